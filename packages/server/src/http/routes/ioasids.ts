// Routes of single IDs: read, free, data, guest ID (spid) attach and detach, publish an event, and the
// lease references that keep an ID from being handed out again.

import { Type } from 'typebox';
import type { Engine } from '../../engine/engine.js';
import { type App, BEARER } from '../app-types.js';
import { durably, noContent } from '../durably.js';
import {
  DataBody,
  ErrorBody,
  IdParams,
  IdRefsView,
  IdView,
  NoQuery,
  NotifyBody,
  NotifyResult,
  RefBody,
  RefQuery,
  Released,
  SpidBody,
} from '../schemas.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const done = { 204: Type.Null({ description: 'done' }), ...errors };
const tags = ['ioasids'];

/** Registers the /v1/ioasids routes. */
export function ioasidRoutes(app: App, engine: Engine): void {
  app.get(
    '/v1/ioasids/:id',
    {
      schema: {
        tags,
        summary: 'Read an ID',
        security: BEARER,
        params: IdParams,
        response: { 200: IdView, ...errors },
      },
      config: { op: 'id.describe', auth: 'any' },
    },
    (request) => durably(engine, () => engine.describeId(request.principal!, request.params.id)),
  );

  app.delete(
    '/v1/ioasids/:id',
    {
      schema: {
        tags,
        summary: 'Free an ID (released once no lease references it); emits free',
        security: BEARER,
        params: IdParams,
        response: done,
      },
      config: { op: 'free', auth: 'any' },
    },
    async (request, reply) => {
      await durably(engine, () => engine.free(request.principal!, request.params.id));
      return noContent(reply);
    },
  );

  app.put(
    '/v1/ioasids/:id/data',
    {
      schema: {
        tags,
        summary: "Replace an ID's data (null clears it; at most 4 KiB of JSON)",
        security: BEARER,
        params: IdParams,
        body: DataBody,
        response: done,
      },
      config: { op: 'id.setData', auth: 'any' },
    },
    async (request, reply) => {
      await durably(engine, () => engine.setData(request.principal!, request.params.id, request.body.data));
      return noContent(reply);
    },
  );

  app.put(
    '/v1/ioasids/:id/spid',
    {
      schema: {
        tags,
        summary: "Map a guest's ID (spid) to this ID; emits bind",
        security: BEARER,
        params: IdParams,
        body: SpidBody,
        response: done,
      },
      config: { op: 'id.attachSpid', auth: 'any' },
    },
    async (request, reply) => {
      await durably(engine, () =>
        engine.attachSpid(request.principal!, request.params.id, request.body.spid),
      );
      return noContent(reply);
    },
  );

  app.delete(
    '/v1/ioasids/:id/spid',
    {
      schema: {
        tags,
        summary: "Remove the ID's guest ID mapping; emits unbind",
        security: BEARER,
        params: IdParams,
        response: done,
      },
      config: { op: 'id.detachSpid', auth: 'any' },
    },
    async (request, reply) => {
      await durably(engine, () => engine.detachSpid(request.principal!, request.params.id));
      return noContent(reply);
    },
  );

  app.post(
    '/v1/ioasids/:id/notify',
    {
      schema: {
        tags,
        summary: 'Publish an event of your own type for this ID',
        security: BEARER,
        params: IdParams,
        body: NotifyBody,
        response: { 200: NotifyResult, ...errors },
      },
      config: { op: 'id.notify', auth: 'any' },
    },
    (request) =>
      durably(engine, () => ({
        result: engine.notify(request.principal!, request.params.id, request.body.type),
      })),
  );

  app.get(
    '/v1/ioasids/:id/refs',
    {
      schema: {
        tags,
        summary: 'The references on the ID and the leases holding them',
        security: BEARER,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: IdRefsView, ...errors },
      },
      config: { op: 'ref.list', auth: 'any' },
    },
    (request) => durably(engine, () => engine.inspection.idRefs(request.principal!, request.params.id)),
  );

  app.post(
    '/v1/ioasids/:id/refs',
    {
      schema: {
        tags,
        summary: 'Take a reference on the ID, held by a lease',
        security: BEARER,
        params: IdParams,
        body: RefBody,
        response: done,
      },
      config: { op: 'ref.take', auth: 'any' },
    },
    async (request, reply) => {
      await durably(engine, () => engine.takeRef(request.principal!, request.params.id, request.body.lease));
      return noContent(reply);
    },
  );

  app.delete(
    '/v1/ioasids/:id/refs',
    {
      schema: {
        tags,
        summary: 'Drop one reference the lease holds on the ID',
        security: BEARER,
        params: IdParams,
        querystring: RefQuery,
        response: { 200: Released, ...errors },
      },
      config: { op: 'ref.drop', auth: 'any' },
    },
    (request) =>
      durably(engine, () => ({
        released: engine.dropRef(request.principal!, request.params.id, request.query.lease),
      })),
  );
}
