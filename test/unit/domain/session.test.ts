import { describe, expect, it } from 'vitest';
import { canSteer, sameWorkspace } from '../../../src/domain/session.ts';
import { aSession } from '../support/builders.ts';

describe('canSteer', () => {
  const session = aSession({ hostId: 'UHOST', interviewers: ['UINT1', 'UINT2'] });

  it('lets the host and the named interviewers steer', () => {
    expect(canSteer(session, 'UHOST')).toBe(true);
    expect(canSteer(session, 'UINT1')).toBe(true);
    expect(canSteer(session, 'UINT2')).toBe(true);
  });

  it('does not let anyone else steer', () => {
    expect(canSteer(session, 'UOTHER')).toBe(false);
    expect(canSteer(session, '')).toBe(false);
    expect(canSteer(session, 'uhost')).toBe(false);
    expect(canSteer(aSession({ hostId: 'UHOST', interviewers: [] }), 'UINT1')).toBe(false);
  });
});

describe('sameWorkspace', () => {
  const session = aSession({ teamId: 'T1', enterpriseId: 'E1' });

  it('matches on both team and enterprise', () => {
    expect(sameWorkspace(session, { teamId: 'T1', enterpriseId: 'E1' })).toBe(true);
    expect(sameWorkspace(session, { teamId: 'T2', enterpriseId: 'E1' })).toBe(false);
    expect(sameWorkspace(session, { teamId: 'T1', enterpriseId: 'E2' })).toBe(false);
    expect(sameWorkspace(session, { teamId: 'T1', enterpriseId: '' })).toBe(false);
  });

  it('matches outside Enterprise Grid with an empty enterprise id', () => {
    const plain = aSession({ teamId: 'T1', enterpriseId: '' });
    expect(sameWorkspace(plain, { teamId: 'T1', enterpriseId: '' })).toBe(true);
    expect(sameWorkspace(plain, { teamId: 'T1', enterpriseId: 'E1' })).toBe(false);
  });
});
