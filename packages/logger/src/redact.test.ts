import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, readableLine } from './index.js';

const CANARY = {
  name: 'Canary Zqxwname',
  email: 'canary.zqxwmail@zqxw-example.com',
  phone: '+49 151 2468 1357',
  street: 'Zqxwstreet 17',
  token: 'tok_zqxwtoken_4242',
  password: 'zqxw-password-1',
};
const SECRETS = [...Object.values(CANARY), 'Zqxw', '2468 1357'];

function capture(level = 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ destination: destination as never, level, format: 'json' });
  return { logger, text: () => lines.join(''), records: () => lines.map((l) => JSON.parse(l)) };
}

function expectNoCanary(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('log redaction', () => {
  it('when a record carries personal fields at any depth, then none of their values is written', () => {
    const { logger, text } = capture();
    const payload = {
      deliveryAddress: { line1: CANARY.street, lat: 52.51712, lng: 13.38912 },
      paymentToken: CANARY.token,
      customer: { customerName: CANARY.name, email: CANARY.email, phone: CANARY.phone },
      body: { password: CANARY.password, courier_name: CANARY.name },
    };
    logger.info({ payload, deep: { a: { b: { c: { d: { e: payload } } } } } }, 'command received');
    logger.debug({ headers: { authorization: `Bearer ${CANARY.token}`, cookie: `sid=${CANARY.token}` } }, 'x');
    logger.child({ email: CANARY.email, sagaId: 's-1' }).warn('child');
    expectNoCanary(text());
  });

  it('when a record is masked, then the masked forms still tell values apart', () => {
    const { logger, records } = capture();
    logger.info({ dropoff: { line1: CANARY.street, lat: 52.51712, lng: 13.38912 }, paymentToken: 'tok_visa_4242' });
    expect(records()[0]).toMatchObject({ dropoff: { lat: 52.52, lng: 13.39 }, paymentToken: 'tok_…242' });
  });

  it('when free text (the message, a reason) names an email or a token, then they are masked', () => {
    const { logger, text } = capture();
    logger.info({ reason: `no account for ${CANARY.email}` }, `login by %s with ${CANARY.token}`, CANARY.email);
    logger.info({ note: `Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ6cXh3In0.c2ln` });
    expectNoCanary(text());
    expect(text()).not.toContain('eyJ');
  });

  it('when a database error is logged, then its code, message and stack stay and its parameters, query and row detail go', () => {
    const { logger, records, text } = capture();
    const pgError = Object.assign(new Error(`invalid input syntax for type uuid: "${CANARY.street}"`), {
      severity: 'ERROR',
      code: '22P02',
      constraint: 'users_email_key',
      detail: `Key (email)=(${CANARY.email}) already exists.`,
      query: `INSERT INTO users VALUES ('${CANARY.name}')`,
      params: [CANARY.email, CANARY.street],
      parameters: [CANARY.token],
    });
    logger.error({ err: new Error('order could not be stored', { cause: pgError }) }, 'request failed');
    logger.error(pgError);
    logger.warn({ error: pgError, other: pgError }, 'as any key');
    expectNoCanary(text());
    const [first] = records();
    expect(first.err.message).toBe('order could not be stored');
    expect(first.err.stack).toContain('order could not be stored');
    expect(first.err.cause).toMatchObject({ code: '22P02', constraint: 'users_email_key' });
    expect(first.err.cause.message).toBe('invalid input syntax for type uuid: "[redacted]"');
  });

  it('when an AppError with details is logged, then the details keep their shape with personal values masked', () => {
    const { logger, records } = capture();
    const error = Object.assign(new Error('rejected'), {
      code: 'ORDO_ERR_X',
      httpStatus: 400,
      details: { in: 'body', email: CANARY.email },
    });
    logger.info({ err: error });
    expect(records()[0].err).toMatchObject({ code: 'ORDO_ERR_X', httpStatus: 400, details: { in: 'body' } });
    expect(JSON.stringify(records()[0])).not.toContain(CANARY.email);
  });

  it('when a request is logged, then its path stays, unsafe query values are masked and no credential header is kept', () => {
    const { logger, records, text } = capture();
    const req = {
      method: 'GET',
      url: `/v1/orders?limit=5&token=${CANARY.token}&email=${encodeURIComponent(CANARY.email)}&q=Zqxw`,
      ip: '127.0.0.1',
      headers: { authorization: `Bearer ${CANARY.token}`, cookie: CANARY.token, 'user-agent': 'curl/8' },
    };
    logger.info({ req }, 'incoming request');
    expectNoCanary(text());
    expect(records()[0].req).toEqual({
      method: 'GET',
      url: '/v1/orders?limit=5&token=[redacted]&email=[redacted]&q=[redacted]',
      remoteAddress: '127.0.0.1',
      headers: { 'user-agent': 'curl/8' },
    });
  });

  it('when the readable format prints a record, then it prints the redacted record', () => {
    const { logger, text } = capture();
    logger.warn({ email: CANARY.email, err: new Error(`failed for ${CANARY.email}`) }, 'warned');
    const line = readableLine(text().trim());
    expect(line).toContain('warned');
    expectNoCanary(line);
  });
});
