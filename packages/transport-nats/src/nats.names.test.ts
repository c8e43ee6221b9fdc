// Naming rules: topics map to stream names and subjects (in an optional namespace), groups to
// collision-free durable consumer names.
import { describe, expect, it } from 'vitest';
import { assertTopic, consumerName, messageSubject, streamName, topicAddress } from './nats.names.js';

describe('nats names', () => {
  it('when a topic is mapped, then its stream name is uppercase with . and - as _', () => {
    expect(streamName('order.events')).toBe('ORDO_ORDER_EVENTS');
    expect(streamName('courier-tracking.pings')).toBe('ORDO_COURIER_TRACKING_PINGS');
  });

  it('when a namespace is given, then the stream name and every subject carry it', () => {
    const address = topicAddress('order.events', 't1');
    expect(address).toEqual({
      topic: 'order.events',
      stream: 'ORDO_T1_ORDER_EVENTS',
      subjects: 't1.order.events.>',
      subjectPrefix: 't1.order.events.',
    });
    expect(messageSubject(address, 'order.placed.v1')).toBe('t1.order.events.order.placed.v1');
    expect(topicAddress('order.events').subjects).toBe('order.events.>');
  });

  it('when a namespace is not one lowercase token, then it is refused with a stable code', () => {
    for (const bad of ['T1', 't1.a', 't1.*', '', 'a b', '>']) {
      expect(() => topicAddress('order.events', bad)).toThrow(
        expect.objectContaining({ code: 'ORDO_ERR_CONFIG_INVALID' }),
      );
    }
  });

  it('when a group name is already legal, then it is kept as is', () => {
    expect(consumerName('order-service_projector')).toBe('order-service_projector');
  });

  it('when group names differ only in illegal characters, then their consumers still differ', () => {
    const dotted = consumerName('query.order-view');
    expect(dotted).toMatch(/^query_order-view_[0-9a-f]{8}$/);
    expect(dotted).not.toBe(consumerName('query_order-view'));
    expect(dotted).not.toBe(consumerName('query>order-view'));
  });

  it('when a topic or type could break a subject, then it is refused with a stable code', () => {
    expect(() => assertTopic('Order.Events')).toThrow(expect.objectContaining({ code: 'ORDO_ERR_CONFIG_INVALID' }));
    expect(() => assertTopic('order.*')).toThrow(expect.objectContaining({ code: 'ORDO_ERR_CONFIG_INVALID' }));
    const address = topicAddress('order.events');
    expect(() => messageSubject(address, 'order.>')).toThrow(
      expect.objectContaining({ code: 'ORDO_ERR_MSG_MALFORMED' }),
    );
    expect(messageSubject(address, 'order.placed.v1')).toBe('order.events.order.placed.v1');
  });
});
