// An element directive that sets the element's width through the CSSOM (element.style.width), which the
// page's CSP (style-src 'self') allows; lit's styleMap writes a style="" attribute on the first render,
// which that CSP refuses.

import { type ElementPart, noChange } from 'lit';
import { Directive, directive, type PartInfo, PartType } from 'lit/directive.js';

class WidthDirective extends Directive {
  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('width() belongs on an element');
  }
  render(_width: string) {
    return noChange;
  }
  override update(part: ElementPart, [width]: [string]) {
    const style = (part.element as HTMLElement).style;
    if (style.width !== width) style.width = width;
    return noChange;
  }
}

/** `<div ${width('40%')}>`: sets the element's width. */
export const width = directive(WidthDirective);
