// A profile named in the `gameday` context is read at synth and embedded whole in the traffic and verify payloads.
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_GAMEDAY_CONTEXT } from '../support/example-target';
import { allStates, definitionOf } from './fixtures';
import { appFor } from './shop-lab-fixtures';

const PROFILE_FILE = 'examples/reservations/profile.json';

describe('a target profile in the gameday context', () => {
  // Given a context whose target names the example service's profile file
  const built = appFor({ gameday: JSON.stringify({ target: { ...EXAMPLE_GAMEDAY_CONTEXT, profile: PROFILE_FILE } }) });
  const states = allStates(definitionOf(Template.fromStack(built.gameDay)));
  /** Every `profile` a state hands on: in a task's payload, or in the event a Map's items carry. */
  const profilesOf = (value: unknown): unknown[] => {
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([key, child]) =>
      key === 'profile'
        ? [child]
        : key === 'States' || key === 'Branches' || key === 'ItemProcessor'
          ? []
          : profilesOf(child),
    );
  };
  const profilesIn = (name: RegExp) =>
    Object.entries(states)
      .filter(([state]) => name.test(state))
      .flatMap(([, state]) => profilesOf(state));

  test('embeds the profile file, as JSON text, in every traffic and verify payload', () => {
    // When the synthesized state machine's payloads are read
    const file = JSON.parse(readFileSync(PROFILE_FILE, 'utf8')) as unknown;
    const traffic = profilesIn(/Window$/);
    const verify = profilesIn(/^VerifyOrders$/);
    // Then the five kinds of traffic window and the verify step carry the profile the file holds, the example's routes in it
    expect(traffic).toHaveLength(5);
    expect(verify).toHaveLength(1);
    for (const profile of [...traffic, ...verify]) {
      expect(typeof profile).toBe('string');
      expect(JSON.parse(profile as string)).toEqual(file);
    }
    expect(verify[0]).toContain('/reservations/{{writeId}}');
  });
});
