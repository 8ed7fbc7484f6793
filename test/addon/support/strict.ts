/**
 * Stand-ins that fail loudly: any member the add-on reaches for that the stand-in does not implement
 * throws, naming it, instead of quietly being undefined. A test that passes therefore used only what
 * the stand-ins model on purpose.
 */

export class NotImplemented extends Error {
  constructor(what: string) {
    super(`Apps Script stand-in: ${what} is not implemented`);
    this.name = 'NotImplemented';
  }
}

/** Members inspected by the engine or by vitest's printing, not by the add-on. */
const INSPECTED = new Set([
  'then',
  'toJSON',
  'constructor',
  'asymmetricMatch',
  'nodeType',
  '$$typeof',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
]);

export function strict<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'symbol' || key in t || INSPECTED.has(key)) return Reflect.get(t, key, receiver);
      throw new NotImplemented(`${name}.${key}`);
    },
    set(t, key, value) {
      if (typeof key === 'symbol' || key in t) return Reflect.set(t, key, value);
      throw new NotImplemented(`setting ${name}.${String(key)}`);
    },
  });
}
