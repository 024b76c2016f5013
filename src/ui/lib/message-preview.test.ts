import { describe, expect, it } from 'vitest';
import type { AttachmentsPreview } from '../../core/api.ts';
import { previewLine } from './message-preview.ts';

const file = (contentType: string, fileName = 'x', count = 1, firstIsVoiceMessage = false): AttachmentsPreview => ({
  count,
  firstFileName: fileName,
  firstContentType: contentType,
  firstIsVoiceMessage,
});

describe('previewLine', () => {
  it('shows a text message as it is, without an icon', () => {
    expect(previewLine('hello', null)).toEqual({ icon: null, text: 'hello' });
  });

  it('names what a message that is only files carries', () => {
    expect(previewLine('', file('audio/ogg', 'voice.ogg', 1, true))).toEqual({ icon: '🎤', text: 'Voice message' });
    expect(previewLine('', file('image/png', 'photo.png'))).toEqual({ icon: '📷', text: 'Photo' });
    expect(previewLine('', file('video/mp4', 'clip.mp4'))).toEqual({ icon: '🎬', text: 'Video' });
    expect(previewLine('', file('application/pdf', 'report.pdf'))).toEqual({ icon: '📎', text: 'report.pdf' });
    expect(previewLine('', file('application/octet-stream', ''))).toEqual({ icon: '📎', text: 'file' });
    expect(previewLine('  ', file('image/jpeg', 'a.jpg', 3))).toEqual({ icon: '📎', text: '3 files' });
  });

  it('shows the caption of a message with files, behind their icon', () => {
    expect(previewLine('look at this', file('image/png', 'photo.png'))).toEqual({ icon: '📷', text: 'look at this' });
    expect(previewLine('the papers', file('application/pdf', 'a.pdf', 2))).toEqual({ icon: '📎', text: 'the papers' });
  });
});
