import { describe, expect, it } from 'vitest';
import { defaultRecordingPath, recordingStamp } from './recording-path';

// Local time on purpose: the stamp is the reader's clock.
const at = new Date(2026, 11, 3, 14, 5, 9);

describe('defaultRecordingPath', () => {
  it('puts recordings under the data folder, named by the local time', () => {
    expect(defaultRecordingPath('/home/ana/.gatehouse', at)).toBe('/home/ana/.gatehouse/recordings/2026-12-03_14-05-09.ndjson');
  });

  it('uses the data folder’s own separator (a Windows host)', () => {
    expect(defaultRecordingPath('C:\\Users\\ana\\AppData\\Roaming\\Gatehouse', at)).toBe('C:\\Users\\ana\\AppData\\Roaming\\Gatehouse\\recordings\\2026-12-03_14-05-09.ndjson');
  });

  it('does not double a trailing separator', () => {
    expect(defaultRecordingPath('/data/', at)).toBe('/data/recordings/2026-12-03_14-05-09.ndjson');
    expect(defaultRecordingPath('/', at)).toBe('/recordings/2026-12-03_14-05-09.ndjson');
  });

  it('names files without colons, sortable by time', () => {
    expect(recordingStamp(at)).toBe('2026-12-03_14-05-09');
    expect(recordingStamp(new Date(2026, 0, 2, 3, 4, 5)) < recordingStamp(at)).toBe(true);
  });
});
