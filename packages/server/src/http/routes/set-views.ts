// A set's recent events and its IDs in detail, page by page, for dashboards.

import type { Engine } from '../../engine/engine.js';
import { DEFAULT_DETAILS_LIMIT } from '../../engine/id-details.js';
import { type App, BEARER } from '../app-types.js';
import { durably, durablyAsync } from '../durably.js';
import {
  ErrorBody,
  IdDetailsQuery,
  IdDetailsView,
  SetEventList,
  SetEventsQuery,
  SidParams,
} from '../schemas.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const tags = ['sets'];

/** Default number of events of GET /v1/sets/{sid}/events. */
export const DEFAULT_SET_EVENTS = 100;

/** Registers GET /v1/sets/{sid}/events and GET /v1/sets/{sid}/ioasid-details. */
export function setViewRoutes(app: App, engine: Engine): void {
  app.get(
    '/v1/sets/:sid/events',
    {
      schema: {
        tags,
        summary: "The set's last retained events, ascending (the payload of the event stream's data lines)",
        security: BEARER,
        params: SidParams,
        querystring: SetEventsQuery,
        response: { 200: SetEventList, ...errors },
      },
      config: { op: 'set.events', auth: 'any' },
    },
    (request) =>
      durablyAsync(engine, async () => ({
        events: await engine.inspection.setEvents(
          request.principal!,
          request.params.sid,
          request.query.limit ?? DEFAULT_SET_EVENTS,
        ),
      })),
  );

  app.get(
    '/v1/sets/:sid/ioasid-details',
    {
      schema: {
        tags,
        summary: "A page of the set's IDs above after, with state, spid, references and data",
        security: BEARER,
        params: SidParams,
        querystring: IdDetailsQuery,
        response: { 200: IdDetailsView, ...errors },
      },
      config: { op: 'set.idDetails', auth: 'any' },
    },
    (request) =>
      durably(engine, () =>
        engine.inspection.idDetails(
          request.principal!,
          request.params.sid,
          request.query.after ?? -1,
          request.query.limit ?? DEFAULT_DETAILS_LIMIT,
        ),
      ),
  );
}
