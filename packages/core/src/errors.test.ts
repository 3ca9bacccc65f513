import { describe, expect, it } from 'vitest';
import {
  CosmoError,
  ErrorCode,
  NotFoundError,
  PermissionError,
  ProtocolError,
  isErrorCode,
  toCosmoError,
} from './errors.js';

describe('errors', () => {
  it('carry a stable code over the wire, never a stack', () => {
    const wire = new PermissionError('students cannot end the class').toWire();
    expect(wire).toEqual({ code: 'PERMISSION_DENIED', message: 'students cannot end the class' });
    expect(JSON.stringify(wire)).not.toContain('at ');
  });

  it('come back from the wire as the matching subclass', () => {
    expect(CosmoError.fromWire({ code: 'BAD_FRAME', message: 'x' })).toBeInstanceOf(ProtocolError);
    expect(CosmoError.fromWire({ code: 'NOT_FOUND', message: 'x' })).toBeInstanceOf(NotFoundError);
    const unknown = CosmoError.fromWire({ code: 'SOMETHING_NEW', message: '' });
    expect(unknown.code).toBe(ErrorCode.INTERNAL);
    expect(unknown.message).toBe('INTERNAL');
  });

  it('carry which refusal it was and its values, for a message in any language', () => {
    const params = { language: 'ja', lines: '4', sentences: '5' };
    const err = new CosmoError(ErrorCode.INVALID_ARGUMENT, 'lines differ', {
      reason: 'LINES_MISMATCH',
      params,
    });
    const back = CosmoError.fromWire(err.toWire());
    expect(back).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'LINES_MISMATCH', params });
    expect(CosmoError.fromWire({ code: 'INVALID_ARGUMENT', message: 'x' }).reason).toBeUndefined();
  });

  it('hide the details of unexpected errors behind INTERNAL', () => {
    const err = toCosmoError(new Error('SQLITE_CORRUPT at /var/lib/cosmo/db'));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).not.toContain('SQLITE');
    expect(toCosmoError(new NotFoundError('no such producer')).code).toBe('NOT_FOUND');
  });

  it('know their codes', () => {
    expect(isErrorCode('ROOM_FULL')).toBe(true);
    expect(isErrorCode('room_full')).toBe(false);
  });
});
