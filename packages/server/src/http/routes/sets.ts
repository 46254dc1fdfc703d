// Routes of sets: create (admin), list, read, change quota (admin), free or destroy, and the set's IDs:
// list, allocate (one or a batch, all or nothing), find by guest ID.

import { Type } from 'typebox';
import type { Engine } from '../../engine/engine.js';
import { type App, BEARER } from '../app-types.js';
import { durably, noContent } from '../durably.js';
import {
  AllocBody,
  AllocResult,
  CreateSetBody,
  DeleteSetQuery,
  ErrorBody,
  IdList,
  NewSetView,
  OneId,
  QuotaBody,
  SetList,
  SetView,
  SidParams,
  SpidParams,
} from '../schemas.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const tags = ['sets'];

/** Registers the /v1/sets routes. */
export function setRoutes(app: App, engine: Engine): void {
  app.post(
    '/v1/sets',
    {
      schema: {
        tags,
        summary: 'Create a set; the answer carries its secret, shown only once',
        security: BEARER,
        body: CreateSetBody,
        response: { 201: NewSetView, ...errors },
      },
      config: { op: 'set.create', auth: 'admin' },
    },
    async (request, reply) => {
      const { owner, quota } = request.body;
      const set = await durably(engine, () => engine.createSet(request.principal!, owner, quota));
      return reply.code(201).send(set);
    },
  );

  app.post(
    '/v1/sets/system',
    {
      schema: {
        tags,
        summary: 'Create the system set (bare-metal SVA); EEXIST if it exists',
        security: BEARER,
        body: QuotaBody,
        response: { 201: NewSetView, ...errors },
      },
      config: { op: 'set.createSystem', auth: 'admin' },
    },
    async (request, reply) => {
      const set = await durably(engine, () => engine.createSystemSet(request.principal!, request.body.quota));
      return reply.code(201).send(set);
    },
  );

  app.get(
    '/v1/sets',
    {
      schema: {
        tags,
        summary: 'List sets (a set secret sees its own only)',
        security: BEARER,
        response: { 200: SetList, ...errors },
      },
      config: { op: 'set.list', auth: 'any' },
    },
    (request) => durably(engine, () => ({ sets: engine.listSets(request.principal!) })),
  );

  app.get(
    '/v1/sets/:sid',
    {
      schema: {
        tags,
        summary: 'Read a set',
        security: BEARER,
        params: SidParams,
        response: { 200: SetView, ...errors },
      },
      config: { op: 'set.get', auth: 'any' },
    },
    (request) => durably(engine, () => engine.getSet(request.principal!, request.params.sid)),
  );

  app.patch(
    '/v1/sets/:sid',
    {
      schema: {
        tags,
        summary: "Change a set's quota",
        security: BEARER,
        params: SidParams,
        body: QuotaBody,
        response: { 200: SetView, ...errors },
      },
      config: { op: 'set.adjust', auth: 'admin' },
    },
    (request) =>
      durably(engine, () => engine.adjustSet(request.principal!, request.params.sid, request.body.quota)),
  );

  app.delete(
    '/v1/sets/:sid',
    {
      schema: {
        tags,
        summary: 'Free every ID of a set; with destroy=true (admin) destroy it too',
        security: BEARER,
        params: SidParams,
        querystring: DeleteSetQuery,
        response: { 204: Type.Null({ description: 'done' }), ...errors },
      },
      config: { op: 'set.free', auth: 'any' },
    },
    async (request, reply) => {
      const destroy = request.query.destroy ?? false;
      await durably(engine, () => engine.freeSet(request.principal!, request.params.sid, destroy));
      return noContent(reply);
    },
  );

  app.get(
    '/v1/sets/:sid/ioasids',
    {
      schema: {
        tags,
        summary: "The set's IDs, ascending (free-pending included)",
        security: BEARER,
        params: SidParams,
        response: { 200: IdList, ...errors },
      },
      config: { op: 'set.ids', auth: 'any' },
    },
    (request) => durably(engine, () => ({ ids: engine.listIds(request.principal!, request.params.sid) })),
  );

  app.post(
    '/v1/sets/:sid/ioasids',
    {
      schema: {
        tags,
        summary: 'Allocate the lowest free ID in [min, max]; with count, that many IDs, all or nothing',
        security: BEARER,
        params: SidParams,
        body: AllocBody,
        response: { 201: AllocResult, ...errors },
      },
      config: { op: 'alloc', auth: 'any' },
    },
    async (request, reply) => {
      const p = request.principal!;
      const { sid } = request.params;
      const { min, max, data, count } = request.body;
      const result = await durably(engine, () =>
        count === undefined
          ? { id: engine.alloc(p, sid, min, max, data) }
          : { ids: engine.allocMany(p, sid, min, max, data, count) },
      );
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/v1/sets/:sid/spids/:spid',
    {
      schema: {
        tags,
        summary: 'The ID mapped to a guest ID in this set',
        security: BEARER,
        params: SpidParams,
        response: { 200: OneId, ...errors },
      },
      config: { op: 'set.findBySpid', auth: 'any' },
    },
    (request) =>
      durably(engine, () => engine.findBySpid(request.principal!, request.params.sid, request.params.spid)),
  );
}
