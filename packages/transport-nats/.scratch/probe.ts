import { AckPolicy, connect, DeliverPolicy, nanos } from 'nats';
const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
console.log('server', nc.info?.version);
const jsm = await nc.jetstreamManager();
const name = `PROBE_${Date.now()}`;
await jsm.streams.add({ name, subjects: [`probe${Date.now()}.>`] });
await jsm.consumers.add(name, { durable_name: 'g', ack_policy: AckPolicy.Explicit, ack_wait: nanos(30000), max_deliver: -1, deliver_policy: DeliverPolicy.All });
try {
  const c = await jsm.consumers.update(name, 'g', { ack_wait: nanos(5000), max_deliver: 5 });
  console.log('update ok', c.config.ack_wait, c.config.max_deliver, c.config.max_ack_pending);
} catch (e) { console.log('update failed', (e as Error).message); }
try { await jsm.consumers.info(name, 'nope'); } catch (e) { const err = e as any; console.log('cinfo err', err.message, err.code, err.api_error); }
try { await jsm.streams.info('NOPE_X'); } catch (e) { const err = e as any; console.log('sinfo err', err.message, err.code, err.api_error); }
await jsm.streams.delete(name);
await nc.drain();
