/** What an attachment card may ask of its conversation (ConversationState does it through the core). */
export interface AttachmentActions {
  download(messageId: number, index: number): void;
  cancel(messageId: number, index: number): void;
  read(messageId: number, index: number): Promise<Blob>;
  /** A download in flight: 0..1; undefined when none is known. */
  progress(messageId: number, index: number): number | undefined;
}
