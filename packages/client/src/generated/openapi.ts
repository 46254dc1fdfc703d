// The wire types of the ioasid HTTP API, GENERATED from the server's GET /openapi.json by
// `npm run gen:api` (packages/client/scripts/generate-api.ts). Do not edit: regenerate.

export type paths = {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alive: the process answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ready: state loaded, store writable, not shutting down (503 store-unavailable names the cause; reads are still served) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/capacity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Capacity and the part not reserved by any set */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description IDs a set may hold at once */
                            available: number;
                            /** @description IDs a set may hold at once */
                            capacity: number;
                        };
                    };
                };
            };
        };
        /** Install the capacity (once; EBUSY if installed) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description IDs the namespace may hand out */
                        capacity: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description IDs a set may hold at once */
                            available: number;
                            /** @description IDs a set may hold at once */
                            capacity: number;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-Sent Events: id = seq, event = type, data = {seq, type, id, sid, spid, data}
         * @description Starts after the Last-Event-ID header, else after ?after=, else with new events only. A position older than the retention first gets `event: reset` with `{"oldest": SEQ}`. Keep-alive comments every 15 s.
         */
        get: {
            parameters: {
                query?: {
                    /** @description an event sequence number */
                    after?: number;
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                    /** @description a set ID */
                    sid?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description text/event-stream; the schema is that of one data line (an event, or a reset) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": {
                            /** @description the ID's data; for lease-expired { lease, released: [ids] } */
                            data: unknown;
                            /** @description the ID; null for lease-expired */
                            id: number | (never | null);
                            /** @description an event sequence number */
                            seq: number;
                            /** @description the ID's set; for lease-expired the set that created the lease, null for the admin */
                            sid: number | (never | null);
                            /** @description the ID's spid, null when none */
                            spid: number | (never | null);
                            /** @description alloc, free, bind, unbind, lease-expired, or a type published with notify */
                            type: string;
                        } | {
                            /** @description an event sequence number */
                            oldest: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The last hour in memory: alloc and free events per second, a set's count every 10 s, net rates (a set secret gets its own set) */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                    /** @description a set ID */
                    sid?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description committed alloc events per second, oldest first; the last is the current second */
                            allocs: number[];
                            /** @description committed free events per second */
                            frees: number[];
                            /** @description milliseconds per entry of allocs and frees (1000) */
                            intervalMs: number;
                            /** @description the time of the answer, epoch milliseconds */
                            now: number;
                            rates: {
                                /** @description net allocations per second over the last 60 s */
                                perSecond: number;
                                /** @description a set ID */
                                sid: number;
                            }[];
                            usage: {
                                /** @description oldest first, the last now */
                                counts: number[];
                                /** @description a set ID */
                                sid: number;
                            }[];
                            /** @description milliseconds between two usage samples (10000) */
                            usageIntervalMs: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/instances": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The server instances serving the namespace (PostgreSQL: heartbeat at most 15 s old) */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            instances: {
                                /**
                                 * Format: date-time
                                 * @description its last heartbeat
                                 */
                                lastSeenAt: string;
                                /** @description host:pid */
                                name: string;
                                /** @description an event sequence number */
                                seq: number;
                                /** Format: date-time */
                                startedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ioasids/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read an ID */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description any JSON value, at most 4 KiB as JSON text */
                            data: unknown;
                            /** @description an IOASID (PASID) */
                            id: number;
                            /** @description a set ID */
                            sid: number;
                            /** @description a guest's own ID for an IOASID */
                            spid: number | null;
                            state: "active" | "free-pending";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Free an ID (released once no lease references it); emits free */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description done */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ioasids/{id}/data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace an ID's data (null clears it; at most 4 KiB of JSON) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description any JSON value, at most 4 KiB as JSON text */
                        data: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description done */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ioasids/{id}/notify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish an event of your own type for this ID */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description 1-64 of a-z 0-9 . _ : - ; not alloc, free, reset or lease-expired */
                        type: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the in-process chain's result (NOTIFY_DONE = 0 when none) */
                            result: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ioasids/{id}/refs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The references on the ID and the leases holding them */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description an IOASID (PASID) */
                            id: number;
                            leases: {
                                /** @description a lease ID as returned by POST /v1/leases */
                                lease: string;
                                refs: number;
                                /** @description a set ID */
                                sid: number | null;
                            }[];
                            /** @description references on the ID (the owner’s until it is freed) */
                            refs: number;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Take a reference on the ID, held by a lease */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a lease ID as returned by POST /v1/leases */
                        lease: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description done */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /** Drop one reference the lease holds on the ID */
        delete: {
            parameters: {
                query: {
                    /** @description a lease ID as returned by POST /v1/leases */
                    lease: string;
                };
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the ID was released */
                            released: boolean;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ioasids/{id}/spid": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Map a guest's ID (spid) to this ID; emits bind */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a guest's own ID for an IOASID */
                        spid: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description done */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        post?: never;
        /** Remove the ID's guest ID mapping; emits unbind */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description an IOASID (PASID) */
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description done */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The live leases with what they hold, ascending (a set secret sees those it created; ?sid= for the admin) */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                    /** @description a set ID */
                    sid?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            leases: {
                                /** @description milliseconds left unless kept alive */
                                expiresInMs: number;
                                /** @description distinct IDs referenced */
                                ids: number;
                                /** @description a lease ID as returned by POST /v1/leases */
                                lease: string;
                                /** @description references held in total */
                                refs: number;
                                /** @description the set that created it, null for the admin */
                                sid: number | (never | null);
                                ttlMs: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a lease; it expires unless kept alive within ttlMs */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description time to live in milliseconds */
                        ttlMs: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description a lease ID as returned by POST /v1/leases */
                            lease: string;
                            ttlMs: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leases/{lease}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a lease, dropping every reference it holds */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description a lease ID as returned by POST /v1/leases */
                    lease: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description done */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leases/{lease}/keepalive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restart the lease's time to live */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description a lease ID as returned by POST /v1/leases */
                    lease: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description a lease ID as returned by POST /v1/leases */
                            lease: string;
                            ttlMs: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/map": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Occupancy of [first, last] in buckets, run-length encoded (a set secret sees its own IDs only) */
        get: {
            parameters: {
                query?: {
                    /** @description buckets wanted (default 4096) */
                    buckets?: number;
                    /** @description lowest ID (default 0) */
                    first?: number;
                    /** @description highest ID (default capacity - 1) */
                    last?: number;
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description number of buckets (the sum of the repeats) */
                            buckets: number;
                            /** @description IDs per bucket (the last may be shorter) */
                            bucketSize: number;
                            /** @description an IOASID (PASID) */
                            first: number;
                            /** @description an IOASID (PASID) */
                            last: number;
                            /** @description quadruples repeat, used, pending, set: repeat consecutive buckets with used allocated IDs (free-pending included), pending free-pending ones, and set the index in sets of the set holding most (lowest sid on a tie), -1 when empty */
                            runs: number[];
                            /** @description the sets topping at least one bucket, ascending */
                            sets: number[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sets (a set secret sees its own only) */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            sets: {
                                /** @description IDs a set may hold at once */
                                count: number;
                                /** @description destroyed, waiting for its last referenced ID */
                                dying: boolean;
                                /** @description owner; null for the system set */
                                owner: string | null;
                                /** @description IDs a set may hold at once */
                                quota: number;
                                /** @description a set ID */
                                sid: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a set; the answer carries its secret, shown only once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the owner (a VM name); unique among live sets */
                        owner: string;
                        /** @description IDs a set may hold at once */
                        quota: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description IDs a set may hold at once */
                            count: number;
                            /** @description destroyed, waiting for its last referenced ID */
                            dying: boolean;
                            /** @description owner; null for the system set */
                            owner: string | null;
                            /** @description IDs a set may hold at once */
                            quota: number;
                            /** @description the set's secret; shown only in this answer */
                            secret: string;
                            /** @description a set ID */
                            sid: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets/{sid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a set */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description IDs a set may hold at once */
                            count: number;
                            /** @description destroyed, waiting for its last referenced ID */
                            dying: boolean;
                            /** @description owner; null for the system set */
                            owner: string | null;
                            /** @description IDs a set may hold at once */
                            quota: number;
                            /** @description a set ID */
                            sid: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Free every ID of a set; with destroy=true (admin) destroy it too */
        delete: {
            parameters: {
                query?: {
                    /** @description also destroy the set (admin only); default false */
                    destroy?: boolean;
                };
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description done */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a set's quota */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description IDs a set may hold at once */
                        quota: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description IDs a set may hold at once */
                            count: number;
                            /** @description destroyed, waiting for its last referenced ID */
                            dying: boolean;
                            /** @description owner; null for the system set */
                            owner: string | null;
                            /** @description IDs a set may hold at once */
                            quota: number;
                            /** @description a set ID */
                            sid: number;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/sets/{sid}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The set's last retained events, ascending (the payload of the event stream's data lines) */
        get: {
            parameters: {
                query?: {
                    /** @description events wanted (default 100) */
                    limit?: number;
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            events: {
                                /** @description the ID's data; for lease-expired { lease, released: [ids] } */
                                data: unknown;
                                /** @description the ID; null for lease-expired */
                                id: number | (never | null);
                                /** @description an event sequence number */
                                seq: number;
                                /** @description the ID's set; for lease-expired the set that created the lease, null for the admin */
                                sid: number | (never | null);
                                /** @description the ID's spid, null when none */
                                spid: number | (never | null);
                                /** @description alloc, free, bind, unbind, lease-expired, or a type published with notify */
                                type: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets/{sid}/ioasid-details": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A page of the set's IDs above after, with state, spid, references and data */
        get: {
            parameters: {
                query?: {
                    /** @description IDs above this one (default: from the first) */
                    after?: number;
                    /** @description IDs wanted (default 200) */
                    limit?: number;
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            ids: {
                                /** @description any JSON value, at most 4 KiB as JSON text */
                                data: unknown;
                                /** @description an IOASID (PASID) */
                                id: number;
                                refs: number;
                                /** @description a guest's own ID for an IOASID */
                                spid: number | null;
                                state: "active" | "free-pending";
                            }[];
                            /** @description the last ID of this page when more follow (pass it as after), else null */
                            next: number | (never | null);
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets/{sid}/ioasids": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The set's IDs, ascending (free-pending included) */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            ids: number[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Allocate the lowest free ID in [min, max]; with count, that many IDs, all or nothing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description allocate this many IDs, all or nothing */
                        count?: number;
                        /** @description any JSON value, at most 4 KiB as JSON text */
                        data?: unknown;
                        max: number;
                        min: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description an IOASID (PASID) */
                            id: number;
                        } | {
                            ids: number[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets/{sid}/spids/{spid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The ID mapped to a guest ID in this set */
        get: {
            parameters: {
                query?: {
                    /** @description answer only once this instance has seen this event sequence number (the ioasid-seq header of an earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached */
                    min_seq?: number;
                };
                header?: never;
                path: {
                    /** @description a set ID */
                    sid: number;
                    /** @description a guest's own ID for an IOASID */
                    spid: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description an IOASID (PASID) */
                            id: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sets/system": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create the system set (bare-metal SVA); EEXIST if it exists */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description IDs a set may hold at once */
                        quota: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @description symbolic code such as ENOSPC; match on it */
                                code: string;
                                /** @description the Linux errno of code */
                                errno: number;
                                /** @description what was wrong and what to do */
                                message: string;
                                /** @description machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none */
                                reason: string;
                                /** @description the values the reason is about, such as { sid, quota, count } */
                                values: {
                                    [key: string]: string | number | boolean | (never | null);
                                };
                            };
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description IDs a set may hold at once */
                            count: number;
                            /** @description destroyed, waiting for its last referenced ID */
                            dying: boolean;
                            /** @description owner; null for the system set */
                            owner: string | null;
                            /** @description IDs a set may hold at once */
                            quota: number;
                            /** @description the set's secret; shown only in this answer */
                            secret: string;
                            /** @description a set ID */
                            sid: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
