// The example reservation service's answers to a reservation, one of each write class: confirmed, pending, refused (8 nights), failed.

/** In the order a scripted fake answers them: the profile classifies them committed, deferred, rejected, failed. */
export const RESERVATION_ANSWERS = [
  [201, { state: 'confirmed' }],
  [202, { state: 'pending' }],
  [422, { error: 'stays are at most 7 nights' }],
  [503, { error: 'database unavailable' }],
] as const;
