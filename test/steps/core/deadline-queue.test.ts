// The deadline queue: requests expire in the order they were sent, each exactly once.
import { DeadlineQueue } from '../../../steps/core/deadline-queue';

describe('DeadlineQueue', () => {
  it('expires, oldest first, exactly the keys whose deadline has come', () => {
    // Given three requests due at 100, 200 and 300 ms
    const queue = new DeadlineQueue<string>();
    queue.add('a', 100);
    queue.add('b', 200);
    queue.add('c', 300);
    // When the sweep runs at 200 ms
    const expired = queue.expire(200);
    // Then the first two expire and the third still waits
    expect(expired).toEqual(['a', 'b']);
    expect(queue.size).toBe(1);
    expect(queue.nextDeadline()).toBe(300);
  });

  it('never expires a key that settled first, and expires no key twice', () => {
    // Given two requests, the first answered before its deadline
    const queue = new DeadlineQueue<string>();
    queue.add('answered', 100);
    queue.add('straggler', 150);
    expect(queue.delete('answered')).toBe(true);
    // When sweeps run past both deadlines
    const first = queue.expire(1_000);
    const second = queue.expire(2_000);
    // Then only the straggler expires, once, and the answered one cannot be settled again
    expect(first).toEqual(['straggler']);
    expect(second).toEqual([]);
    expect(queue.delete('answered')).toBe(false);
    expect(queue.delete('straggler')).toBe(false);
  });

  it('holds a deadline earlier than the last one to the last, so a clock stepped back never strands a later key', () => {
    // Given a key due at 500 ms, then one whose deadline went back to 400 ms
    const queue = new DeadlineQueue<string>();
    queue.add('first', 500);
    queue.add('after-step-back', 400);
    // When the sweep runs at 450 ms and at 500 ms
    // Then neither expires early, and both expire at the first one's deadline, in order
    expect(queue.expire(450)).toEqual([]);
    expect(queue.expire(500)).toEqual(['first', 'after-step-back']);
  });

  it('has no next deadline when empty or when every key settled', () => {
    // Given an empty queue, then one whose only key settled
    const queue = new DeadlineQueue<number>();
    expect(queue.nextDeadline()).toBeUndefined();
    queue.add(1, 10);
    queue.delete(1);
    // Then there is nothing to wake for
    expect(queue.nextDeadline()).toBeUndefined();
    expect(queue.size).toBe(0);
  });
});
