// `ordo certs --dir <dir>`: makes (or keeps) the development CA and the certificates of the
// distributed shape in a directory, and says which were issued (ADR 0024). `ordo cluster up` runs
// the same at every start in its state directory.
import { ensureClusterCertificates } from '../cluster/certificates.js';

export async function certsCommand(options: { dir: string }): Promise<void> {
  const certificates = await ensureClusterCertificates(options.dir);
  const issued = certificates.issued.length === 0 ? 'none (every certificate kept)' : certificates.issued.join(', ');
  console.log(`certificates in ${options.dir}: issued ${issued}`);
  console.log(`  CA: ${certificates.caFile}`);
  for (const [name, files] of Object.entries(certificates.files)) {
    console.log(`  ${name.padEnd(15)} ${files.certFile}  key ${files.keyFile}`);
  }
}
