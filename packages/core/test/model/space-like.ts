// The surface the model-based test drives: the methods IoasidSpace and the reference model share, so that
// the same commands and the same re-entrant subscribers run against both.

/** An event as subscribers receive it. */
export interface SpaceEvent {
  readonly type: string;
  readonly id: number;
  readonly sid: number;
  readonly token: unknown;
  readonly data: unknown;
  readonly spid: number;
}

export type SpaceCallback = (event: SpaceEvent) => unknown;

export interface SpaceSetInfo {
  readonly sid: number;
  readonly token: unknown;
  readonly quota: number;
  readonly count: number;
  readonly dying: boolean;
}

export interface SpaceLike {
  readonly capacity: number;
  readonly available: number;
  readonly size: number;
  readonly systemSid: number;
  installCapacity(total: number): void;
  allocSet(token: unknown, quota: number): number;
  allocSystemSet(quota: number): number;
  freeSet(sid: number, destroy?: boolean): void;
  adjustSet(sid: number, quota: number): void;
  getSet(sid: number): SpaceSetInfo;
  listSets(): SpaceSetInfo[];
  listIds(sid: number): number[];
  alloc(sid: number, min: number, max: number, data?: unknown): number;
  tryAlloc(sid: number, min: number, max: number, data?: unknown): number;
  free(id: number): void;
  tryFree(id: number): number;
  get(id: number, sid?: number): void;
  put(id: number): boolean;
  find(sid: number, id: number, getter?: ((data: unknown) => boolean) | null): unknown;
  findSid(id: number): number;
  setData(id: number, data: unknown): void;
  state(id: number): string;
  refCount(id: number): number;
  attachSpid(id: number, spid: number): void;
  detachSpid(id: number): void;
  findBySpid(sid: number, spid: number): number;
  spidOf(id: number): number;
  addNotifier(callback: SpaceCallback, options?: { sid?: number; priority?: number }): void;
  removeNotifier(callback: SpaceCallback, options?: { sid?: number }): void;
  notify(id: number, type: string): number;
}
