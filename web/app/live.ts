// Cells that a busy view writes itself once per frame flush instead of re-rendering: the text
// node is changed in place (its layout object stays, no node is replaced) and the class only
// when it differs, so fifty prices a frame cost fifty string writes, not fifty component renders.

export class LiveCell {
  private readonly text: Text;
  private cls: string;

  /** Writes into `el`'s last child when that is a text node (binding twice reuses it), else appends one. */
  constructor(readonly el: HTMLElement) {
    const last = el.lastChild;
    this.text = last instanceof Text ? last : el.appendChild(document.createTextNode(""));
    this.cls = el.className;
  }

  /** The cell's text, and its class when given. */
  set(text: string, cls?: string): void {
    if (this.text.data !== text) this.text.data = text;
    if (cls !== undefined && cls !== this.cls) this.el.className = this.cls = cls;
  }

  get value(): string {
    return this.text.data;
  }
}
