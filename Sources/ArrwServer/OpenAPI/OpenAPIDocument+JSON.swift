// Written by scripts/make-openapi; edit that script, not this file.

extension OpenAPIDocument {
    /// The OpenAPI 3.1 document of every route, as `GET /openapi.json` serves it.
    static let text = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "arrwDB",
  "version": "0.1.0",
  "description": "arrwDB is a vector database server: create **libraries**, add **documents** (split into **chunks** of\ntext, embedded by the server or carrying the client's own vectors), and search them by nearest neighbours, with metadata\nfilters, keyword + semantic hybrid search and reranking. Every change is durable (write-ahead log + snapshots) and\npublished on an event bus that clients can follow over Server-Sent Events or a WebSocket.\n\n**Authentication.** Optional: once keys are configured (`API_KEYS`, `ADMIN_API_KEY`) or a tenant exists, every\nroute but `/health` and `/readiness` needs `Authorization: Bearer KEY` or `X-API-Key: KEY`, else 401 `unauthorized`.\n**Tenants:** the admin key creates tenants (`/v1/admin/tenants`), each with its own key; a tenant's key sees only its\nown libraries, jobs and events, and another tenant's library or job answers 404 exactly as an unknown one. `API_KEYS`\nkeys are the default tenant. The admin routes and `/metrics` need the admin key. With `RATE_LIMIT_ENABLED`, each client\n(its key, else its address) may make `RATE_LIMIT_PER_MINUTE` requests a minute; over it, or over a tenant's\n`requests_per_minute`, the answer is 429 `rate_limited` with `Retry-After`.\n\n**Errors.** Every error is `{\"error\": {\"code\", \"message\", \"details\"?}}`. Input errors are 400, missing things 404,\nconflicts 409, things no longer kept 410, bodies over `MAX_REQUEST_BODY_BYTES` 413, full queues and rate limits 429\n(with `Retry-After`), unavailable dependencies 503, and anything unexpected 500. A path no route serves, or a method a\nroute does not take, is 404 `not_found`. With `CORS_ORIGINS` set, a CORS preflight (`OPTIONS`) from a listed origin is\nanswered 204 and from another origin 403 `forbidden_origin`. The limits quoted in the schemas are the defaults\n(`MAX_SEARCH_RESULTS` 100, `MAX_CHUNKS_PER_DOCUMENT` 1000, `MAX_TEXT_LENGTH_PER_CHUNK` 10000); a server configured\notherwise enforces its own. Every code:\n\n| code | status | when |\n| --- | --- | --- |\n| `validation_error` | 400 | A field is missing, has the wrong type, or holds a value that is not allowed. |\n| `invalid_filter` | 400 | A metadata filter is not of the filter language's shape. |\n| `unknown_filter_operator` | 400 | A metadata filter uses an operator that does not exist; details name it. |\n| `dimension_mismatch` | 400 | A vector's length differs from the library's dimension or the embedding model's. |\n| `limit_exceeded` | 400 | A value is over a configured limit (chunks, text length, k, batch size, dimension). |\n| `library_not_found` | 404 | The library does not exist. |\n| `document_not_found` | 404 | The document does not exist in the library. |\n| `duplicate_name` | 409 | Another library already has this name. |\n| `duplicate_document` | 409 | A document with this id exists already; PUT replaces it. |\n| `resume_point_expired` | 410 | The events after the resume point are no longer kept; resume later or start fresh. |\n| `embedding_failed` | 503 | The embedding provider could not embed the text. |\n| `storage_unavailable` | 503 | A change could not be made durable; the server accepts no writes until restarted. |\n| `embedding_invalid` | 502 | The embedding provider answered without one finite vector of the model's length per text. |\n| `recovery_failed` | 500 | The data directory could not be recovered at start-up. |\n| `job_not_found` | 404 | No job has this id. |\n| `job_finished` | 409 | The job has finished (completed, failed or cancelled); it can no longer be cancelled. |\n| `job_queue_full` | 429 | MAX_PENDING_JOBS jobs wait already; submit again once some have run. |\n| `job_failed` | 409 | The job ran and failed; the message gives its reason. |\n| `job_result_unavailable` | 409 | Only a completed batch_export job has a file to download. |\n| `export_expired` | 410 | The export file was removed after its retention; run the export again. |\n| `reranker_unavailable` | 400 | The rerank method needs a service this server is not configured for (COHERE_API_KEY): pick another method. |\n| `rerank_failed` | 503 | The rerank service failed, refused the request or could not be reached; the message gives its answer. |\n| `embedding_credentials_rejected` | 502 | The remote embedding provider refused the server's API key (COHERE_API_KEY, OPENAI_API_KEY). |\n| `embedding_model_unknown` | 502 | The remote embedding provider does not know the model (EMBEDDING_MODEL). |\n| `embedding_unavailable` | 503 | The remote embedding provider could not be reached, or kept failing or rate-limiting past every retry. |\n| `embedding_timed_out` | 503 | The remote embedding provider did not answer within its timeout, on every attempt. |\n| `embedding_rejected` | 400 | The remote embedding provider refused the text (too long, empty, not allowed); the message gives its reason. |\n| `embedding_model_mismatch` | 409 | The text would be embedded by another model than the library's (or the library's provider is not configured); details name both. |\n| `tenant_not_found` | 404 | No tenant has this id. |\n| `tenant_active` | 409 | Only a deactivated tenant can be purged: DELETE it first. |\n| `quota_exceeded` | 429 | The tenant is at one of its quotas (libraries, vectors); details name it. |\n| `rerank_rate_limited` | 429 | The rerank service is over its rate limit; retry after Retry-After seconds. |\n| `invalid_json` | 400 | A request body, NDJSON line or WebSocket message is empty or not valid JSON. |\n| `line_too_large` | 400 | An NDJSON line is longer than MAX_REQUEST_BODY_BYTES; that line fails alone. |\n| `unknown_action` | 400 | A WebSocket request names an action that does not exist; details name it. |\n| `upload_interrupted` | 503 | An NDJSON upload's body could not be read to its end; the lines before were stored. |\n| `internal_error` | 500 | Something failed that should not have; the server log holds the details. |\n| `not_ready` | 503 | The server is still starting (recovering its data directory, loading the model); retry after Retry-After seconds. |\n| `docs_unavailable` | 503 | The /docs page's Swagger UI files are not installed (DOCS_ASSETS_PATH; scripts/setup fetches them). |\n| `webhook_not_found` | 404 | No webhook has this id. |\n| `webhook_target_forbidden` | 400 | The webhook's URL is not http(s) or names a host WEBHOOK_ALLOWED_HOSTS does not allow (loopback is always allowed). |\n| `ambiguous_document` | 409 | A route without a library names a document id that several libraries hold; details list them: use the library's route. |\n| `unauthorized` | 401 | Keys are required (API_KEYS, ADMIN_API_KEY or tenants) and the request has no valid key (Authorization: Bearer or X-API-Key): missing, unknown, revoked, rotated away, expired, or not the admin key an admin route needs. |\n| `rate_limited` | 429 | The client spent its rate limit; Retry-After says when a request is allowed again. |\n| `payload_too_large` | 413 | The request body is larger than MAX_REQUEST_BODY_BYTES. |\n| `not_found` | 404 | No route has this path (or the route does not take this method). |\n| `method_not_allowed` | 405 | The route does not take this method. |\n| `unsupported_media_type` | 415 | The body's content type is not one the route reads. |\n| `bad_request` | 400 | The HTTP layer refused the request before any route saw it (any other 4xx). |\n| `forbidden_origin` | 403 | A CORS preflight from an origin that CORS_ORIGINS does not list. |\n| `request_timeout` | 408 | The request's head or body stalled longer than REQUEST_READ_TIMEOUT_SECONDS; the connection is closed. |\n| `too_many_connections` | 503 | MAX_CONNECTIONS connections are open; this one is answered and closed at once. |\n| `subscriber_too_slow` | (ends a stream) | The subscriber did not read its events fast enough and its queue overflowed; reconnect with since. |\n"
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "security": [
  {
   "bearerAuth": []
  },
  {
   "apiKeyAuth": []
  },
  {}
 ],
 "tags": [
  {
   "name": "libraries",
   "description": "Create, configure, inspect and delete libraries and their indexes."
  },
  {
   "name": "documents",
   "description": "Add, stream, list, read, replace and delete documents."
  },
  {
   "name": "search",
   "description": "Vector, metadata-filtered, streamed, hybrid and reranked search."
  },
  {
   "name": "jobs",
   "description": "Durable background jobs: imports, deletes, index rebuilds, exports, re-embedding."
  },
  {
   "name": "events",
   "description": "Change events: Server-Sent Events, statistics, and the per-library WebSocket."
  },
  {
   "name": "webhooks",
   "description": "Change events POSTed to your URLs, signed, in order, at least once."
  },
  {
   "name": "tenants",
   "description": "The admin key's routes: tenants, their keys and quotas."
  },
  {
   "name": "system",
   "description": "Health, readiness, metrics and these docs."
  }
 ],
 "paths": {
  "/health": {
   "get": {
    "operationId": "getHealth",
    "tags": [
     "system"
    ],
    "summary": "Liveness",
    "description": "Answers while the process serves HTTP. Needs no API key and is not rate limited.",
    "responses": {
     "200": {
      "description": "Alive.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        },
        "example": {
         "status": "healthy",
         "version": "0.1.0"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/": {
   "get": {
    "operationId": "getServerInfo",
    "tags": [
     "system"
    ],
    "summary": "What this server is",
    "description": "The original arrwDB's root: name, version and where the docs and health are.",
    "responses": {
     "200": {
      "description": "The server.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ServerInfo"
        },
        "example": {
         "name": "arrwDB",
         "version": "0.1.0",
         "docs": "/docs",
         "health": "/health",
         "openapi": "/openapi.json"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/liveness": {
   "get": {
    "operationId": "getLiveness",
    "tags": [
     "system"
    ],
    "summary": "Liveness (the original's path)",
    "description": "Answers while the process serves HTTP.",
    "responses": {
     "200": {
      "description": "Alive.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "status",
          "timestamp"
         ],
         "properties": {
          "status": {
           "type": "string",
           "const": "alive"
          },
          "timestamp": {
           "type": "string",
           "format": "date-time",
           "description": "ISO 8601 UTC with milliseconds."
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/ping": {
   "get": {
    "operationId": "ping",
    "tags": [
     "system"
    ],
    "summary": "Ping (the original's path)",
    "description": "Answers `pong`.",
    "responses": {
     "200": {
      "description": "Pong.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "status",
          "message"
         ],
         "properties": {
          "status": {
           "type": "string",
           "const": "ok"
          },
          "message": {
           "type": "string",
           "const": "pong"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/readiness": {
   "get": {
    "operationId": "getReadiness",
    "tags": [
     "system"
    ],
    "summary": "Readiness",
    "description": "Whether the server can serve requests (for load balancers and orchestrators). Needs no API key and is not rate limited.",
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        },
        "example": {
         "ready": true
        }
       }
      }
     },
     "503": {
      "description": "Not ready; the body says why.",
      "content": {
       "application/json": {
        "schema": {
         "anyOf": [
          {
           "$ref": "#/components/schemas/Readiness"
          },
          {
           "$ref": "#/components/schemas/ErrorEnvelope"
          }
         ]
        },
        "example": {
         "ready": false,
         "reason": "recovering the data directory"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/health/detailed": {
   "get": {
    "operationId": "getHealthDetailed",
    "tags": [
     "system"
    ],
    "summary": "Each component's status",
    "description": "Each component checked for real: the embedding provider embeds a probe text, the data directory takes a file written and fsynced, its free space is read, and the write-ahead log's state is reported.",
    "responses": {
     "200": {
      "description": "Every component is healthy or degraded.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/HealthDetailed"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "description": "A component is unhealthy.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/HealthDetailed"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "getMetrics",
    "tags": [
     "system"
    ],
    "summary": "Prometheus metrics",
    "description": "Prometheus text exposition (format 0.0.4). The original arrwDB's names: `vectordb_libraries_total`, `vectordb_documents_total`, `vectordb_vectors_total`, `vectordb_searches_total{library_id,index_type}`, `vectordb_documents_added_total`, `vectordb_documents_deleted_total`, `vectordb_vectors_added_total`, `vectordb_vectors_deleted_total`, `vectordb_search_duration_seconds`, `vectordb_embedding_duration_seconds`, `vectordb_index_rebuild_duration_seconds`. The server's own: per request `arrwdb_http_requests_total` and `arrwdb_http_request_duration_seconds`; per library `arrwdb_index_pending_vectors`, `arrwdb_index_build_vectors_per_second`, `arrwdb_index_memory_bytes`; `arrwdb_wal_records_total`, `arrwdb_wal_fsyncs_total`, `arrwdb_wal_fsync_seconds_total`; `arrwdb_snapshot_duration_seconds`, `arrwdb_snapshot_bytes`; `arrwdb_events_*`; `arrwdb_jobs_in_state{status}`; `arrwdb_embedding_batch_texts`, `arrwdb_embedding_cache_*`; `arrwdb_connections_*`; `arrwdb_websocket_sessions`, `arrwdb_websocket_queued_bytes`, `arrwdb_websocket_dropped_total`; `process_resident_memory_bytes`.",
    "responses": {
     "200": {
      "description": "The metrics.",
      "content": {
       "text/plain; version=0.0.4": {
        "schema": {
         "type": "string"
        },
        "example": "# TYPE vectordb_libraries_total gauge\nvectordb_libraries_total 2\n"
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "getOpenAPI",
    "tags": [
     "system"
    ],
    "summary": "This OpenAPI document",
    "description": "The OpenAPI 3.1 description of every route.",
    "responses": {
     "200": {
      "description": "This document.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": true
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/docs": {
   "get": {
    "operationId": "getDocs",
    "tags": [
     "system"
    ],
    "summary": "Interactive API docs",
    "description": "A Swagger UI page over `/openapi.json`, served with its assets from this server (no internet needed).",
    "responses": {
     "200": {
      "description": "The page.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "The Swagger UI assets are not installed on this server."
     }
    }
   }
  },
  "/docs/assets/{file}": {
   "get": {
    "operationId": "getDocsAsset",
    "tags": [
     "system"
    ],
    "summary": "A static asset of the docs page",
    "description": "The Swagger UI's scripts, styles and images.",
    "parameters": [
     {
      "name": "file",
      "in": "path",
      "required": true,
      "description": "The asset's file name.",
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*$"
      },
      "example": "swagger-ui.css"
     }
    ],
    "responses": {
     "200": {
      "description": "The file.",
      "content": {
       "text/css": {
        "schema": {
         "type": "string"
        }
       },
       "application/javascript": {
        "schema": {
         "type": "string"
        }
       },
       "image/png": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/png"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "No such asset (`not_found`)."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/events/stats": {
   "get": {
    "operationId": "getEventStats",
    "tags": [
     "events"
    ],
    "summary": "Event bus statistics",
    "description": "Counters of the event bus and its last sequence.",
    "responses": {
     "200": {
      "description": "The statistics.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EventStats"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/events": {
   "get": {
    "operationId": "streamEvents",
    "tags": [
     "events"
    ],
    "summary": "Follow change events (Server-Sent Events)",
    "description": "A `text/event-stream` of change events as they happen, optionally one library's and some types; `since` (or the `Last-Event-ID` header browsers send on reconnect, which wins) replays the events after that sequence first, from memory or the write-ahead log, so nothing acknowledged is missed across reconnects and restarts. The stream does not end on its own.",
    "parameters": [
     {
      "name": "library_id",
      "in": "query",
      "required": false,
      "description": "Only this library's events.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "types",
      "in": "query",
      "required": false,
      "description": "Comma-separated event types (library.created, library.updated, library.deleted, document.added, document.updated, document.deleted, search.performed, job.created, job.started, job.progress, job.completed, job.failed, job.cancelled).",
      "schema": {
       "type": "string",
       "pattern": "^$|^(library\\.created|library\\.updated|library\\.deleted|document\\.added|document\\.updated|document\\.deleted|search\\.performed|job\\.created|job\\.started|job\\.progress|job\\.completed|job\\.failed|job\\.cancelled)(,(library\\.created|library\\.updated|library\\.deleted|document\\.added|document\\.updated|document\\.deleted|search\\.performed|job\\.created|job\\.started|job\\.progress|job\\.completed|job\\.failed|job\\.cancelled))*$"
      },
      "example": "document.added,document.deleted"
     },
     {
      "name": "since",
      "in": "query",
      "required": false,
      "description": "Deliver the events whose sequence is greater than this (it may not exceed the last sequence).",
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "description": "As `since`; takes precedence.",
      "schema": {
       "type": "string",
       "pattern": "^[0-9]{1,19}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The event stream.",
      "content": {
       "text/event-stream": {
        "schema": {
         "$ref": "#/components/schemas/ServerSentEvent"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`library_id` is not a UUID, `types` names an unknown type, or `since`/`Last-Event-ID` is not a sequence number or is after the last sequence."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "410": {
      "$ref": "#/components/responses/Gone",
      "description": "`resume_point_expired`: the events after `since` are no longer kept."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "500": {
      "$ref": "#/components/responses/InternalError",
      "description": "`recovery_failed`: the write-ahead log could not be read back for the replay."
     }
    }
   }
  },
  "/v1/websockets/stats": {
   "get": {
    "operationId": "getWebSocketStats",
    "tags": [
     "events"
    ],
    "summary": "WebSocket connections (the original's route)",
    "description": "The WebSocket sessions open now, and those subscribed to events by library.",
    "responses": {
     "200": {
      "description": "The counts.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "total_connections",
          "libraries_with_subscribers",
          "subscriptions_by_library"
         ],
         "properties": {
          "total_connections": {
           "type": "integer",
           "minimum": 0
          },
          "libraries_with_subscribers": {
           "type": "integer",
           "minimum": 0
          },
          "subscriptions_by_library": {
           "type": "object",
           "additionalProperties": {
            "type": "integer",
            "minimum": 1
           }
          }
         }
        },
        "example": {
         "total_connections": 2,
         "libraries_with_subscribers": 1,
         "subscriptions_by_library": {
          "3f0c2a9e-5b7d-4c1e-9a8b-2d6f4e1a7c30": 1
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/webhooks": {
   "post": {
    "operationId": "createWebhook",
    "tags": [
     "webhooks"
    ],
    "summary": "Register a webhook",
    "description": "Every matching change event is POSTed to `url` as its JSON, in sequence order, at least once, signed `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>`, with `X-Webhook-ID`, `X-Event-ID` (the sequence) and `X-Event-Type`; failed sends are retried with exponential backoff, and delivery resumes after a restart from the last saved position.",
    "requestBody": {
     "description": "The webhook.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "url": {
          "type": "string",
          "format": "uri",
          "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
         },
         "events": {
          "type": "array",
          "items": {
           "type": "string"
          },
          "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
         },
         "library_id": {
          "type": [
           "string",
           "null"
          ],
          "format": "uuid",
          "description": "Only this library's events."
         },
         "description": {
          "type": "string",
          "maxLength": 10000
         },
         "max_retries": {
          "type": "integer",
          "minimum": 0,
          "maximum": 10,
          "default": 3
         },
         "retry_delay_seconds": {
          "type": "number",
          "minimum": 0.1,
          "maximum": 3600,
          "default": 60
         },
         "timeout_seconds": {
          "type": "number",
          "minimum": 1,
          "maximum": 300,
          "default": 30
         },
         "active": {
          "type": "boolean",
          "default": true
         },
         "since": {
          "type": "integer",
          "minimum": 0,
          "description": "At creation only: deliver the events after this sequence (default: from now)."
         }
        }
       },
       "examples": {
        "all": {
         "summary": "Every document event",
         "value": {
          "url": "http://127.0.0.1:8080/hook",
          "events": [
           "document.added",
           "document.deleted"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Registered; the answer holds the `secret`.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "id",
          "url",
          "events",
          "active",
          "delivered_through"
         ],
         "additionalProperties": true,
         "properties": {
          "url": {
           "type": "string",
           "format": "uri",
           "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
          },
          "events": {
           "type": "array",
           "items": {
            "type": "string"
           },
           "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
          },
          "library_id": {
           "type": [
            "string",
            "null"
           ],
           "format": "uuid",
           "description": "Only this library's events."
          },
          "description": {
           "type": "string",
           "maxLength": 10000
          },
          "max_retries": {
           "type": "integer",
           "minimum": 0,
           "maximum": 10,
           "default": 3
          },
          "retry_delay_seconds": {
           "type": "number",
           "minimum": 0.1,
           "maximum": 3600,
           "default": 60
          },
          "timeout_seconds": {
           "type": "number",
           "minimum": 1,
           "maximum": 300,
           "default": 30
          },
          "active": {
           "type": "boolean",
           "default": true
          },
          "since": {
           "type": "integer",
           "minimum": 0,
           "description": "At creation only: deliver the events after this sequence (default: from now)."
          },
          "id": {
           "type": "string",
           "format": "uuid"
          },
          "secret": {
           "type": "string",
           "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
          },
          "delivered_through": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "A bad field, or `webhook_target_forbidden`."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "get": {
    "operationId": "listWebhooks",
    "tags": [
     "webhooks"
    ],
    "summary": "List webhooks",
    "description": "Every webhook (without secrets).",
    "responses": {
     "200": {
      "description": "The webhooks.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "webhooks"
         ],
         "properties": {
          "webhooks": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "id",
             "url",
             "events",
             "active",
             "delivered_through"
            ],
            "additionalProperties": true,
            "properties": {
             "url": {
              "type": "string",
              "format": "uri",
              "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
             },
             "events": {
              "type": "array",
              "items": {
               "type": "string"
              },
              "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
             },
             "library_id": {
              "type": [
               "string",
               "null"
              ],
              "format": "uuid",
              "description": "Only this library's events."
             },
             "description": {
              "type": "string",
              "maxLength": 10000
             },
             "max_retries": {
              "type": "integer",
              "minimum": 0,
              "maximum": 10,
              "default": 3
             },
             "retry_delay_seconds": {
              "type": "number",
              "minimum": 0.1,
              "maximum": 3600,
              "default": 60
             },
             "timeout_seconds": {
              "type": "number",
              "minimum": 1,
              "maximum": 300,
              "default": 30
             },
             "active": {
              "type": "boolean",
              "default": true
             },
             "since": {
              "type": "integer",
              "minimum": 0,
              "description": "At creation only: deliver the events after this sequence (default: from now)."
             },
             "id": {
              "type": "string",
              "format": "uuid"
             },
             "secret": {
              "type": "string",
              "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
             },
             "delivered_through": {
              "type": "integer",
              "minimum": 0
             }
            }
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/webhooks/{webhook}": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "get": {
    "operationId": "getWebhook",
    "tags": [
     "webhooks"
    ],
    "summary": "Get a webhook",
    "description": "The webhook (without its secret) and its position.",
    "responses": {
     "200": {
      "description": "The webhook.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "id",
          "url",
          "events",
          "active",
          "delivered_through"
         ],
         "additionalProperties": true,
         "properties": {
          "url": {
           "type": "string",
           "format": "uri",
           "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
          },
          "events": {
           "type": "array",
           "items": {
            "type": "string"
           },
           "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
          },
          "library_id": {
           "type": [
            "string",
            "null"
           ],
           "format": "uuid",
           "description": "Only this library's events."
          },
          "description": {
           "type": "string",
           "maxLength": 10000
          },
          "max_retries": {
           "type": "integer",
           "minimum": 0,
           "maximum": 10,
           "default": 3
          },
          "retry_delay_seconds": {
           "type": "number",
           "minimum": 0.1,
           "maximum": 3600,
           "default": 60
          },
          "timeout_seconds": {
           "type": "number",
           "minimum": 1,
           "maximum": 300,
           "default": 30
          },
          "active": {
           "type": "boolean",
           "default": true
          },
          "since": {
           "type": "integer",
           "minimum": 0,
           "description": "At creation only: deliver the events after this sequence (default: from now)."
          },
          "id": {
           "type": "string",
           "format": "uuid"
          },
          "secret": {
           "type": "string",
           "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
          },
          "delivered_through": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "patch": {
    "operationId": "updateWebhook",
    "tags": [
     "webhooks"
    ],
    "summary": "Update a webhook",
    "description": "Changes any field but `since`; delivery goes on from its position.",
    "requestBody": {
     "description": "The fields to change.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "url": {
          "type": "string",
          "format": "uri",
          "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
         },
         "events": {
          "type": "array",
          "items": {
           "type": "string"
          },
          "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
         },
         "library_id": {
          "type": [
           "string",
           "null"
          ],
          "format": "uuid",
          "description": "Only this library's events."
         },
         "description": {
          "type": "string",
          "maxLength": 10000
         },
         "max_retries": {
          "type": "integer",
          "minimum": 0,
          "maximum": 10,
          "default": 3
         },
         "retry_delay_seconds": {
          "type": "number",
          "minimum": 0.1,
          "maximum": 3600,
          "default": 60
         },
         "timeout_seconds": {
          "type": "number",
          "minimum": 1,
          "maximum": 300,
          "default": 30
         },
         "active": {
          "type": "boolean",
          "default": true
         },
         "since": {
          "type": "integer",
          "minimum": 0,
          "description": "At creation only: deliver the events after this sequence (default: from now)."
         }
        }
       },
       "examples": {
        "pause": {
         "summary": "Pause it",
         "value": {
          "active": false
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The webhook.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "id",
          "url",
          "events",
          "active",
          "delivered_through"
         ],
         "additionalProperties": true,
         "properties": {
          "url": {
           "type": "string",
           "format": "uri",
           "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
          },
          "events": {
           "type": "array",
           "items": {
            "type": "string"
           },
           "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
          },
          "library_id": {
           "type": [
            "string",
            "null"
           ],
           "format": "uuid",
           "description": "Only this library's events."
          },
          "description": {
           "type": "string",
           "maxLength": 10000
          },
          "max_retries": {
           "type": "integer",
           "minimum": 0,
           "maximum": 10,
           "default": 3
          },
          "retry_delay_seconds": {
           "type": "number",
           "minimum": 0.1,
           "maximum": 3600,
           "default": 60
          },
          "timeout_seconds": {
           "type": "number",
           "minimum": 1,
           "maximum": 300,
           "default": 30
          },
          "active": {
           "type": "boolean",
           "default": true
          },
          "since": {
           "type": "integer",
           "minimum": 0,
           "description": "At creation only: deliver the events after this sequence (default: from now)."
          },
          "id": {
           "type": "string",
           "format": "uuid"
          },
          "secret": {
           "type": "string",
           "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
          },
          "delivered_through": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "delete": {
    "operationId": "deleteWebhook",
    "tags": [
     "webhooks"
    ],
    "summary": "Delete a webhook",
    "description": "Stops its deliveries and forgets it.",
    "responses": {
     "204": {
      "description": "Deleted."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/webhooks/{webhook}/deliveries": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "get": {
    "operationId": "listWebhookDeliveries",
    "tags": [
     "webhooks"
    ],
    "summary": "A webhook's last deliveries",
    "description": "The last 100 deliveries, newest first: `event_id`, `event_type`, `status` (`delivered` or `failed`), `attempts`, `response_status`, `error`, `delivered_at`, `duration_ms`, `possible_duplicate` (sent again after a restart).",
    "responses": {
     "200": {
      "description": "The deliveries.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "deliveries"
         ],
         "properties": {
          "deliveries": {
           "type": "array",
           "items": {
            "type": "object",
            "additionalProperties": true
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/webhooks/{webhook}/stats": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "get": {
    "operationId": "getWebhookStats",
    "tags": [
     "webhooks"
    ],
    "summary": "A webhook's statistics",
    "description": "`total_deliveries`, `successful_deliveries`, `failed_deliveries`, `retries`, `delivered_through`, `pending_events`, `last_error`, `last_delivery_at`.",
    "responses": {
     "200": {
      "description": "The statistics.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": true
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/webhooks/{webhook}/test": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "post": {
    "operationId": "testWebhook",
    "tags": [
     "webhooks"
    ],
    "summary": "Send a test event",
    "description": "POSTs a `webhook.test` event once, now, and answers how it went.",
    "responses": {
     "200": {
      "description": "The delivery.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": true
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/webhooks": {
   "post": {
    "operationId": "createWebhookOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "Register a webhook",
    "description": "Every matching change event is POSTed to `url` as its JSON, in sequence order, at least once, signed `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>`, with `X-Webhook-ID`, `X-Event-ID` (the sequence) and `X-Event-Type`; failed sends are retried with exponential backoff, and delivery resumes after a restart from the last saved position.",
    "requestBody": {
     "description": "The webhook.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "url": {
          "type": "string",
          "format": "uri",
          "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
         },
         "events": {
          "type": "array",
          "items": {
           "type": "string"
          },
          "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
         },
         "library_id": {
          "type": [
           "string",
           "null"
          ],
          "format": "uuid",
          "description": "Only this library's events."
         },
         "description": {
          "type": "string",
          "maxLength": 10000
         },
         "max_retries": {
          "type": "integer",
          "minimum": 0,
          "maximum": 10,
          "default": 3
         },
         "retry_delay_seconds": {
          "type": "number",
          "minimum": 0.1,
          "maximum": 3600,
          "default": 60
         },
         "timeout_seconds": {
          "type": "number",
          "minimum": 1,
          "maximum": 300,
          "default": 30
         },
         "active": {
          "type": "boolean",
          "default": true
         },
         "since": {
          "type": "integer",
          "minimum": 0,
          "description": "At creation only: deliver the events after this sequence (default: from now)."
         }
        }
       },
       "examples": {
        "all": {
         "summary": "Every document event",
         "value": {
          "url": "http://127.0.0.1:8080/hook",
          "events": [
           "document.added",
           "document.deleted"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Registered; the answer holds the `secret`.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "id",
          "url",
          "events",
          "active",
          "delivered_through"
         ],
         "additionalProperties": true,
         "properties": {
          "url": {
           "type": "string",
           "format": "uri",
           "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
          },
          "events": {
           "type": "array",
           "items": {
            "type": "string"
           },
           "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
          },
          "library_id": {
           "type": [
            "string",
            "null"
           ],
           "format": "uuid",
           "description": "Only this library's events."
          },
          "description": {
           "type": "string",
           "maxLength": 10000
          },
          "max_retries": {
           "type": "integer",
           "minimum": 0,
           "maximum": 10,
           "default": 3
          },
          "retry_delay_seconds": {
           "type": "number",
           "minimum": 0.1,
           "maximum": 3600,
           "default": 60
          },
          "timeout_seconds": {
           "type": "number",
           "minimum": 1,
           "maximum": 300,
           "default": 30
          },
          "active": {
           "type": "boolean",
           "default": true
          },
          "since": {
           "type": "integer",
           "minimum": 0,
           "description": "At creation only: deliver the events after this sequence (default: from now)."
          },
          "id": {
           "type": "string",
           "format": "uuid"
          },
          "secret": {
           "type": "string",
           "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
          },
          "delivered_through": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "A bad field, or `webhook_target_forbidden`."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "get": {
    "operationId": "listWebhooksOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "List webhooks",
    "description": "Every webhook (without secrets).",
    "responses": {
     "200": {
      "description": "The webhooks.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "webhooks"
         ],
         "properties": {
          "webhooks": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "id",
             "url",
             "events",
             "active",
             "delivered_through"
            ],
            "additionalProperties": true,
            "properties": {
             "url": {
              "type": "string",
              "format": "uri",
              "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
             },
             "events": {
              "type": "array",
              "items": {
               "type": "string"
              },
              "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
             },
             "library_id": {
              "type": [
               "string",
               "null"
              ],
              "format": "uuid",
              "description": "Only this library's events."
             },
             "description": {
              "type": "string",
              "maxLength": 10000
             },
             "max_retries": {
              "type": "integer",
              "minimum": 0,
              "maximum": 10,
              "default": 3
             },
             "retry_delay_seconds": {
              "type": "number",
              "minimum": 0.1,
              "maximum": 3600,
              "default": 60
             },
             "timeout_seconds": {
              "type": "number",
              "minimum": 1,
              "maximum": 300,
              "default": 30
             },
             "active": {
              "type": "boolean",
              "default": true
             },
             "since": {
              "type": "integer",
              "minimum": 0,
              "description": "At creation only: deliver the events after this sequence (default: from now)."
             },
             "id": {
              "type": "string",
              "format": "uuid"
             },
             "secret": {
              "type": "string",
              "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
             },
             "delivered_through": {
              "type": "integer",
              "minimum": 0
             }
            }
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/webhooks/{webhook}": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "get": {
    "operationId": "getWebhookOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "Get a webhook",
    "description": "The webhook (without its secret) and its position.",
    "responses": {
     "200": {
      "description": "The webhook.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "id",
          "url",
          "events",
          "active",
          "delivered_through"
         ],
         "additionalProperties": true,
         "properties": {
          "url": {
           "type": "string",
           "format": "uri",
           "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
          },
          "events": {
           "type": "array",
           "items": {
            "type": "string"
           },
           "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
          },
          "library_id": {
           "type": [
            "string",
            "null"
           ],
           "format": "uuid",
           "description": "Only this library's events."
          },
          "description": {
           "type": "string",
           "maxLength": 10000
          },
          "max_retries": {
           "type": "integer",
           "minimum": 0,
           "maximum": 10,
           "default": 3
          },
          "retry_delay_seconds": {
           "type": "number",
           "minimum": 0.1,
           "maximum": 3600,
           "default": 60
          },
          "timeout_seconds": {
           "type": "number",
           "minimum": 1,
           "maximum": 300,
           "default": 30
          },
          "active": {
           "type": "boolean",
           "default": true
          },
          "since": {
           "type": "integer",
           "minimum": 0,
           "description": "At creation only: deliver the events after this sequence (default: from now)."
          },
          "id": {
           "type": "string",
           "format": "uuid"
          },
          "secret": {
           "type": "string",
           "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
          },
          "delivered_through": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "patch": {
    "operationId": "updateWebhookOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "Update a webhook",
    "description": "Changes any field but `since`; delivery goes on from its position.",
    "requestBody": {
     "description": "The fields to change.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "url": {
          "type": "string",
          "format": "uri",
          "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
         },
         "events": {
          "type": "array",
          "items": {
           "type": "string"
          },
          "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
         },
         "library_id": {
          "type": [
           "string",
           "null"
          ],
          "format": "uuid",
          "description": "Only this library's events."
         },
         "description": {
          "type": "string",
          "maxLength": 10000
         },
         "max_retries": {
          "type": "integer",
          "minimum": 0,
          "maximum": 10,
          "default": 3
         },
         "retry_delay_seconds": {
          "type": "number",
          "minimum": 0.1,
          "maximum": 3600,
          "default": 60
         },
         "timeout_seconds": {
          "type": "number",
          "minimum": 1,
          "maximum": 300,
          "default": 30
         },
         "active": {
          "type": "boolean",
          "default": true
         },
         "since": {
          "type": "integer",
          "minimum": 0,
          "description": "At creation only: deliver the events after this sequence (default: from now)."
         }
        }
       },
       "examples": {
        "pause": {
         "summary": "Pause it",
         "value": {
          "active": false
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The webhook.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "id",
          "url",
          "events",
          "active",
          "delivered_through"
         ],
         "additionalProperties": true,
         "properties": {
          "url": {
           "type": "string",
           "format": "uri",
           "description": "http or https; a host other than loopback must be in WEBHOOK_ALLOWED_HOSTS."
          },
          "events": {
           "type": "array",
           "items": {
            "type": "string"
           },
           "description": "Event types, `*`, or the original's `document.created` and `search.completed`."
          },
          "library_id": {
           "type": [
            "string",
            "null"
           ],
           "format": "uuid",
           "description": "Only this library's events."
          },
          "description": {
           "type": "string",
           "maxLength": 10000
          },
          "max_retries": {
           "type": "integer",
           "minimum": 0,
           "maximum": 10,
           "default": 3
          },
          "retry_delay_seconds": {
           "type": "number",
           "minimum": 0.1,
           "maximum": 3600,
           "default": 60
          },
          "timeout_seconds": {
           "type": "number",
           "minimum": 1,
           "maximum": 300,
           "default": 30
          },
          "active": {
           "type": "boolean",
           "default": true
          },
          "since": {
           "type": "integer",
           "minimum": 0,
           "description": "At creation only: deliver the events after this sequence (default: from now)."
          },
          "id": {
           "type": "string",
           "format": "uuid"
          },
          "secret": {
           "type": "string",
           "description": "Only in the answer to the creation: the HMAC-SHA256 key of X-Webhook-Signature."
          },
          "delivered_through": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "delete": {
    "operationId": "deleteWebhookOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "Delete a webhook",
    "description": "Stops its deliveries and forgets it.",
    "responses": {
     "204": {
      "description": "Deleted."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/webhooks/{webhook}/deliveries": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "get": {
    "operationId": "listWebhookDeliveriesOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "A webhook's last deliveries",
    "description": "The last 100 deliveries, newest first: `event_id`, `event_type`, `status` (`delivered` or `failed`), `attempts`, `response_status`, `error`, `delivered_at`, `duration_ms`, `possible_duplicate` (sent again after a restart).",
    "responses": {
     "200": {
      "description": "The deliveries.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "deliveries"
         ],
         "properties": {
          "deliveries": {
           "type": "array",
           "items": {
            "type": "object",
            "additionalProperties": true
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/webhooks/{webhook}/stats": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "get": {
    "operationId": "getWebhookStatsOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "A webhook's statistics",
    "description": "`total_deliveries`, `successful_deliveries`, `failed_deliveries`, `retries`, `delivered_through`, `pending_events`, `last_error`, `last_delivery_at`.",
    "responses": {
     "200": {
      "description": "The statistics.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": true
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/webhooks/{webhook}/test": {
   "parameters": [
    {
     "name": "webhook",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "post": {
    "operationId": "testWebhookOriginalPath",
    "tags": [
     "webhooks"
    ],
    "summary": "Send a test event",
    "description": "POSTs a `webhook.test` event once, now, and answers how it went.",
    "responses": {
     "200": {
      "description": "The delivery.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": true
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`webhook_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/admin/tenants": {
   "post": {
    "operationId": "createTenant",
    "tags": [
     "tenants"
    ],
    "summary": "Create a tenant",
    "description": "Issues the tenant's key, `arrw_` and 32 hex digits, shown only in this answer (the server keeps its SHA-256). Needs the admin key (`ADMIN_API_KEY`); any other key is 401.",
    "requestBody": {
     "description": "The tenant.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "name"
        ],
        "properties": {
         "name": {
          "type": "string",
          "minLength": 1,
          "maxLength": 200
         },
         "metadata": {
          "type": "object",
          "additionalProperties": true
         },
         "expires_in_days": {
          "type": "number",
          "exclusiveMinimum": 0,
          "maximum": 36500
         },
         "quotas": {
          "type": "object",
          "properties": {
           "max_libraries": {
            "type": [
             "integer",
             "null"
            ],
            "minimum": 0,
            "description": "Libraries the tenant may hold; null: no limit."
           },
           "max_vectors": {
            "type": [
             "integer",
             "null"
            ],
            "minimum": 0,
            "description": "Vectors (chunks) over all its libraries; null: no limit."
           },
           "requests_per_minute": {
            "type": [
             "integer",
             "null"
            ],
            "minimum": 0,
            "description": "Requests a minute over all its use; null: no limit."
           }
          }
         }
        }
       },
       "examples": {
        "acme": {
         "summary": "A tenant with quotas",
         "value": {
          "name": "acme",
          "quotas": {
           "max_libraries": 10,
           "requests_per_minute": 600
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created, with the key.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "tenant_id",
          "name",
          "created_at",
          "metadata",
          "quotas",
          "api_key"
         ],
         "additionalProperties": true,
         "properties": {
          "tenant_id": {
           "type": "string",
           "format": "uuid"
          },
          "name": {
           "type": "string"
          },
          "metadata": {
           "type": "object",
           "additionalProperties": true
          },
          "created_at": {
           "type": "string",
           "format": "date-time"
          },
          "expires_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "quotas": {
           "type": "object",
           "properties": {
            "max_libraries": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Libraries the tenant may hold; null: no limit."
            },
            "max_vectors": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Vectors (chunks) over all its libraries; null: no limit."
            },
            "requests_per_minute": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Requests a minute over all its use; null: no limit."
            }
           }
          },
          "is_active": {
           "type": "boolean",
           "description": "Not deactivated and not expired."
          },
          "last_used_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "request_count": {
           "type": "integer",
           "minimum": 0
          },
          "rotated_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "deactivated_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "library_count": {
           "type": "integer",
           "minimum": 0
          },
          "api_key": {
           "type": "string",
           "pattern": "^arrw_[0-9a-f]{32}$"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "get": {
    "operationId": "listTenants",
    "tags": [
     "tenants"
    ],
    "summary": "List tenants",
    "description": "Every tenant with its state and use. Needs the admin key (`ADMIN_API_KEY`); any other key is 401.",
    "responses": {
     "200": {
      "description": "The tenants.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "tenants",
          "total"
         ],
         "properties": {
          "tenants": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "tenant_id",
             "name",
             "created_at",
             "metadata",
             "quotas"
            ],
            "additionalProperties": true,
            "properties": {
             "tenant_id": {
              "type": "string",
              "format": "uuid"
             },
             "name": {
              "type": "string"
             },
             "metadata": {
              "type": "object",
              "additionalProperties": true
             },
             "created_at": {
              "type": "string",
              "format": "date-time"
             },
             "expires_at": {
              "type": [
               "string",
               "null"
              ],
              "format": "date-time"
             },
             "quotas": {
              "type": "object",
              "properties": {
               "max_libraries": {
                "type": [
                 "integer",
                 "null"
                ],
                "minimum": 0,
                "description": "Libraries the tenant may hold; null: no limit."
               },
               "max_vectors": {
                "type": [
                 "integer",
                 "null"
                ],
                "minimum": 0,
                "description": "Vectors (chunks) over all its libraries; null: no limit."
               },
               "requests_per_minute": {
                "type": [
                 "integer",
                 "null"
                ],
                "minimum": 0,
                "description": "Requests a minute over all its use; null: no limit."
               }
              }
             },
             "is_active": {
              "type": "boolean",
              "description": "Not deactivated and not expired."
             },
             "last_used_at": {
              "type": [
               "string",
               "null"
              ],
              "format": "date-time"
             },
             "request_count": {
              "type": "integer",
              "minimum": 0
             },
             "rotated_at": {
              "type": [
               "string",
               "null"
              ],
              "format": "date-time"
             },
             "deactivated_at": {
              "type": [
               "string",
               "null"
              ],
              "format": "date-time"
             },
             "library_count": {
              "type": "integer",
              "minimum": 0
             }
            }
           }
          },
          "total": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/admin/tenants/{tenant}": {
   "parameters": [
    {
     "name": "tenant",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "get": {
    "operationId": "getTenant",
    "tags": [
     "tenants"
    ],
    "summary": "Get a tenant",
    "description": "The tenant with its state and use. Needs the admin key (`ADMIN_API_KEY`); any other key is 401.",
    "responses": {
     "200": {
      "description": "The tenant.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "tenant_id",
          "name",
          "created_at",
          "metadata",
          "quotas"
         ],
         "additionalProperties": true,
         "properties": {
          "tenant_id": {
           "type": "string",
           "format": "uuid"
          },
          "name": {
           "type": "string"
          },
          "metadata": {
           "type": "object",
           "additionalProperties": true
          },
          "created_at": {
           "type": "string",
           "format": "date-time"
          },
          "expires_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "quotas": {
           "type": "object",
           "properties": {
            "max_libraries": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Libraries the tenant may hold; null: no limit."
            },
            "max_vectors": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Vectors (chunks) over all its libraries; null: no limit."
            },
            "requests_per_minute": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Requests a minute over all its use; null: no limit."
            }
           }
          },
          "is_active": {
           "type": "boolean",
           "description": "Not deactivated and not expired."
          },
          "last_used_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "request_count": {
           "type": "integer",
           "minimum": 0
          },
          "rotated_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "deactivated_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "library_count": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`tenant_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "patch": {
    "operationId": "updateTenant",
    "tags": [
     "tenants"
    ],
    "summary": "Change a tenant's quotas",
    "description": "Only `quotas` can change; a field left out keeps its value. Needs the admin key (`ADMIN_API_KEY`); any other key is 401.",
    "requestBody": {
     "description": "The quotas.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "quotas": {
          "type": "object",
          "properties": {
           "max_libraries": {
            "type": [
             "integer",
             "null"
            ],
            "minimum": 0,
            "description": "Libraries the tenant may hold; null: no limit."
           },
           "max_vectors": {
            "type": [
             "integer",
             "null"
            ],
            "minimum": 0,
            "description": "Vectors (chunks) over all its libraries; null: no limit."
           },
           "requests_per_minute": {
            "type": [
             "integer",
             "null"
            ],
            "minimum": 0,
            "description": "Requests a minute over all its use; null: no limit."
           }
          }
         }
        }
       },
       "examples": {
        "limit": {
         "summary": "Cap its vectors",
         "value": {
          "quotas": {
           "max_vectors": 1000000
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The tenant.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "tenant_id",
          "name",
          "created_at",
          "metadata",
          "quotas"
         ],
         "additionalProperties": true,
         "properties": {
          "tenant_id": {
           "type": "string",
           "format": "uuid"
          },
          "name": {
           "type": "string"
          },
          "metadata": {
           "type": "object",
           "additionalProperties": true
          },
          "created_at": {
           "type": "string",
           "format": "date-time"
          },
          "expires_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "quotas": {
           "type": "object",
           "properties": {
            "max_libraries": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Libraries the tenant may hold; null: no limit."
            },
            "max_vectors": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Vectors (chunks) over all its libraries; null: no limit."
            },
            "requests_per_minute": {
             "type": [
              "integer",
              "null"
             ],
             "minimum": 0,
             "description": "Requests a minute over all its use; null: no limit."
            }
           }
          },
          "is_active": {
           "type": "boolean",
           "description": "Not deactivated and not expired."
          },
          "last_used_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "request_count": {
           "type": "integer",
           "minimum": 0
          },
          "rotated_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "deactivated_at": {
           "type": [
            "string",
            "null"
           ],
           "format": "date-time"
          },
          "library_count": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`tenant_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "delete": {
    "operationId": "deactivateTenant",
    "tags": [
     "tenants"
    ],
    "summary": "Deactivate a tenant",
    "description": "Its key is refused from the next request on, open streams opened with it are closed; its libraries are kept until purged. Needs the admin key (`ADMIN_API_KEY`); any other key is 401.",
    "responses": {
     "204": {
      "description": "Deactivated."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`tenant_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/admin/tenants/{tenant}/rotate": {
   "parameters": [
    {
     "name": "tenant",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "post": {
    "operationId": "rotateTenantKey",
    "tags": [
     "tenants"
    ],
    "summary": "Rotate a tenant's key",
    "description": "Issues a new key; the old one is refused from the next request on (no grace period), and streams opened with it are closed. Needs the admin key (`ADMIN_API_KEY`); any other key is 401.",
    "responses": {
     "200": {
      "description": "The new key.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "tenant_id",
          "new_api_key",
          "rotated_at"
         ],
         "properties": {
          "tenant_id": {
           "type": "string",
           "format": "uuid"
          },
          "new_api_key": {
           "type": "string",
           "pattern": "^arrw_[0-9a-f]{32}$"
          },
          "rotated_at": {
           "type": "string",
           "format": "date-time"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "The tenant is deactivated."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`tenant_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/admin/tenants/{tenant}/purge": {
   "parameters": [
    {
     "name": "tenant",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "format": "uuid"
     }
    }
   ],
   "post": {
    "operationId": "purgeTenant",
    "tags": [
     "tenants"
    ],
    "summary": "Purge a deactivated tenant",
    "description": "Deletes the tenant's libraries, then the tenant. Needs the admin key (`ADMIN_API_KEY`); any other key is 401.",
    "responses": {
     "200": {
      "description": "Purged.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "tenant_id",
          "libraries_deleted"
         ],
         "properties": {
          "tenant_id": {
           "type": "string",
           "format": "uuid"
          },
          "libraries_deleted": {
           "type": "integer",
           "minimum": 0
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`tenant_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`tenant_active`: deactivate it first."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/events/stream": {
   "get": {
    "operationId": "streamEventsOriginalPath",
    "tags": [
     "events"
    ],
    "summary": "Follow change events (the original arrwDB's path)",
    "description": "`GET /v1/events` under the path the original arrwDB served it at.",
    "parameters": [
     {
      "name": "library_id",
      "in": "query",
      "required": false,
      "description": "Only this library's events.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "types",
      "in": "query",
      "required": false,
      "description": "Comma-separated event types (library.created, library.updated, library.deleted, document.added, document.updated, document.deleted, search.performed, job.created, job.started, job.progress, job.completed, job.failed, job.cancelled).",
      "schema": {
       "type": "string",
       "pattern": "^$|^(library\\.created|library\\.updated|library\\.deleted|document\\.added|document\\.updated|document\\.deleted|search\\.performed|job\\.created|job\\.started|job\\.progress|job\\.completed|job\\.failed|job\\.cancelled)(,(library\\.created|library\\.updated|library\\.deleted|document\\.added|document\\.updated|document\\.deleted|search\\.performed|job\\.created|job\\.started|job\\.progress|job\\.completed|job\\.failed|job\\.cancelled))*$"
      },
      "example": "document.added,document.deleted"
     },
     {
      "name": "since",
      "in": "query",
      "required": false,
      "description": "Deliver the events whose sequence is greater than this (it may not exceed the last sequence).",
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "description": "As `since`; takes precedence.",
      "schema": {
       "type": "string",
       "pattern": "^[0-9]{1,19}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The event stream.",
      "content": {
       "text/event-stream": {
        "schema": {
         "$ref": "#/components/schemas/ServerSentEvent"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`library_id` is not a UUID, `types` names an unknown type, or `since`/`Last-Event-ID` is not a sequence number or is after the last sequence."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "410": {
      "$ref": "#/components/responses/Gone",
      "description": "`resume_point_expired`: the events after `since` are no longer kept."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "500": {
      "$ref": "#/components/responses/InternalError",
      "description": "`recovery_failed`: the write-ahead log could not be read back for the replay."
     }
    }
   }
  },
  "/v1/libraries": {
   "post": {
    "operationId": "createLibrary",
    "tags": [
     "libraries"
    ],
    "summary": "Create a library",
    "description": "Creates a library. Its embedding model is the server's; its dimension is fixed by `dimension`, or by the first vector stored.",
    "requestBody": {
     "description": "The library.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/LibraryCreate"
       },
       "examples": {
        "minimal": {
         "summary": "A brute-force cosine library",
         "value": {
          "name": "articles"
         }
        },
        "hnsw": {
         "summary": "An HNSW library with metadata",
         "value": {
          "name": "support-tickets",
          "description": "Customer support tickets",
          "index_type": "hnsw",
          "index_params": {
           "m": 16,
           "ef_construction": 200,
           "ef_search": 64
          },
          "metric": "cosine",
          "metadata": {
           "team": "support"
          }
         }
        },
        "own-vectors": {
         "summary": "A library for the client's own 3-dimensional vectors",
         "value": {
          "name": "embeddings-3d",
          "index_type": "ivf",
          "index_params": {
           "nlist": 8,
           "nprobe": 2
          },
          "metric": "l2",
          "dimension": 3
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Library"
        },
        "example": {
         "id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "name": "articles",
         "description": "",
         "index_type": "brute_force",
         "index_params": {},
         "metric": "cosine",
         "dimension": 384,
         "embedding_model": "all-MiniLM-L6-v2",
         "metadata": {},
         "created_at": "2025-01-01T12:00:00.000Z",
         "updated_at": "2025-01-01T12:00:00.000Z",
         "document_count": 0,
         "chunk_count": 0,
         "text_analyzer": "english"
        }
       }
      },
      "links": {
       "GetLibrary": {
        "operationId": "getLibrary",
        "parameters": {
         "id": "$response.body#/id"
        },
        "description": "The library just created."
       },
       "UpdateLibrary": {
        "operationId": "updateLibrary",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "DeleteLibrary": {
        "operationId": "deleteLibrary",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "GetLibraryStatistics": {
        "operationId": "getLibraryStatistics",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "GetIndexStatistics": {
        "operationId": "getIndexStatistics",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "RebuildIndex": {
        "operationId": "rebuildIndex",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "OptimizeIndex": {
        "operationId": "optimizeIndex",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "AddDocument": {
        "operationId": "addDocument",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "AddDocumentsBatch": {
        "operationId": "addDocumentsBatch",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "StreamDocuments": {
        "operationId": "streamDocuments",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "DeleteDocumentsBatch": {
        "operationId": "deleteDocumentsBatch",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "ListDocuments": {
        "operationId": "listDocuments",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "Search": {
        "operationId": "searchLibrary",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "SearchMetadata": {
        "operationId": "searchMetadata",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "SearchStream": {
        "operationId": "searchStream",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "SearchHybrid": {
        "operationId": "searchHybrid",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "SearchRerank": {
        "operationId": "searchRerank",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "SubmitJob": {
        "operationId": "submitJob",
        "parameters": {},
        "requestBody": {
         "library_id": "$response.body#/id"
        },
        "description": "A job on the library just created."
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`duplicate_name`: another library has this name."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   },
   "get": {
    "operationId": "listLibraries",
    "tags": [
     "libraries"
    ],
    "summary": "List libraries",
    "description": "Every library, oldest first.",
    "responses": {
     "200": {
      "description": "The libraries.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/LibraryList"
        },
        "example": {
         "libraries": [
          {
           "id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
           "name": "articles",
           "description": "",
           "index_type": "brute_force",
           "index_params": {},
           "metric": "cosine",
           "dimension": 384,
           "embedding_model": "all-MiniLM-L6-v2",
           "metadata": {},
           "created_at": "2025-01-01T12:00:00.000Z",
           "updated_at": "2025-01-01T12:00:00.000Z",
           "document_count": 0,
           "chunk_count": 0,
           "text_analyzer": "english"
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/libraries/{id}": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "get": {
    "operationId": "getLibrary",
    "tags": [
     "libraries"
    ],
    "summary": "Get a library",
    "description": "The library's settings and counts and, as the original arrwDB answered, its first 1000 documents with their chunks (`documents_truncated` says whether there are more; `GET .../documents` pages through all).",
    "parameters": [
     {
      "$ref": "#/components/parameters/IncludeEmbeddings"
     }
    ],
    "responses": {
     "200": {
      "description": "The library.",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {
           "$ref": "#/components/schemas/Library"
          },
          {
           "type": "object",
           "required": [
            "documents",
            "documents_truncated"
           ],
           "properties": {
            "documents": {
             "type": "array",
             "items": {
              "$ref": "#/components/schemas/Document"
             }
            },
            "documents_truncated": {
             "type": "boolean"
            }
           }
          }
         ]
        },
        "example": {
         "id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "name": "articles",
         "description": "",
         "index_type": "brute_force",
         "index_params": {},
         "metric": "cosine",
         "dimension": 384,
         "embedding_model": "all-MiniLM-L6-v2",
         "metadata": {},
         "created_at": "2025-01-01T12:00:00.000Z",
         "updated_at": "2025-01-01T12:00:00.000Z",
         "document_count": 0,
         "chunk_count": 0,
         "text_analyzer": "english",
         "documents": [],
         "documents_truncated": false
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`include_embeddings` is not true or false."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "patch": {
    "operationId": "updateLibrary",
    "tags": [
     "libraries"
    ],
    "summary": "Update a library",
    "description": "Changes `description` and `metadata` (replaced whole), and the index: a new `index_type` or new structural `index_params` answer 202 with the `index_rebuild` job that builds the new index in the background (searches keep using the old one until it is swapped in atomically); a change of search-time parameters only (`ef_search`, `nprobe`, `probes`) applies at once.",
    "requestBody": {
     "description": "The changes.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/LibraryUpdate"
       },
       "examples": {
        "describe": {
         "summary": "New description and metadata",
         "value": {
          "description": "Support tickets, 2025",
          "metadata": {
           "team": "support",
           "year": 2025
          }
         }
        },
        "reindex": {
         "summary": "Switch to HNSW (starts an index_rebuild job)",
         "value": {
          "index_type": "hnsw",
          "index_params": {
           "m": 32,
           "ef_construction": 200
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Updated.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Library"
        }
       }
      }
     },
     "202": {
      "description": "Updated; the new index is being built.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/LibraryRebuilding"
        }
       }
      },
      "links": {
       "GetRebuildJob": {
        "operationId": "getJob",
        "parameters": {
         "job": "$response.body#/job_id"
        },
        "description": "The index_rebuild job (when `job_id` is not null)."
       },
       "GetLibrary": {
        "operationId": "getLibrary",
        "parameters": {
         "id": "$request.path.id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   },
   "delete": {
    "operationId": "deleteLibrary",
    "tags": [
     "libraries"
    ],
    "summary": "Delete a library",
    "description": "Deletes the library and everything in it.",
    "responses": {
     "204": {
      "description": "Deleted."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/libraries/{id}/statistics": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "get": {
    "operationId": "getLibraryStatistics",
    "tags": [
     "libraries"
    ],
    "summary": "Library statistics",
    "description": "Counts, dimension, metric, index type and parameters, index memory, pending vectors and build state.",
    "responses": {
     "200": {
      "description": "The statistics.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/LibraryStatistics"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/libraries/{id}/index/rebuild": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "rebuildIndex",
    "tags": [
     "libraries"
    ],
    "summary": "Rebuild the index (and wait)",
    "description": "The original arrwDB's route: runs an `index_rebuild` job (to the index the body names, or the current one afresh) and answers once it has finished.",
    "requestBody": {
     "description": "The index to build; optional (empty: the current index afresh).",
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/IndexRebuildRequest"
       },
       "examples": {
        "hnsw": {
         "summary": "Rebuild as HNSW",
         "value": {
          "index_type": "hnsw",
          "index_params": {
           "m": 16,
           "ef_construction": 100
          }
         }
        },
        "original": {
         "summary": "The original arrwDB's spelling",
         "value": {
          "index_type": "hnsw",
          "index_config": {
           "M": 16,
           "ef_construction": 100
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The rebuild finished.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/IndexRebuildResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`job_failed` (the job failed; the message says why) or `job_finished` (it was cancelled meanwhile)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests",
      "description": "`job_queue_full` or `rate_limited`."
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/libraries/{id}/index/optimize": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "optimizeIndex",
    "tags": [
     "libraries"
    ],
    "summary": "Optimize the index (and wait)",
    "description": "The original arrwDB's route: runs an `index_optimize` job (the current index rebuilt from the live vectors: HNSW drops its tombstones, IVF retrains, …) and answers once it has finished. Takes no body.",
    "responses": {
     "200": {
      "description": "The optimization finished.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/IndexOptimizeResult"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`job_failed` or `job_finished` (cancelled meanwhile)."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests",
      "description": "`job_queue_full` or `rate_limited`."
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/libraries/{id}/index/statistics": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "get": {
    "operationId": "getIndexStatistics",
    "tags": [
     "libraries"
    ],
    "summary": "Index statistics (original shape)",
    "description": "The original arrwDB's index statistics.",
    "responses": {
     "200": {
      "description": "The statistics.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/IndexStatistics"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/libraries/{id}/documents": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "addDocument",
    "tags": [
     "documents"
    ],
    "summary": "Add a document",
    "description": "Stores one document; chunks without an `embedding` are embedded by the server. Acknowledged once durable.",
    "requestBody": {
     "description": "The document.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DocumentCreate"
       },
       "examples": {
        "text": {
         "summary": "One chunk",
         "value": {
          "title": "Vector indexes",
          "text": "HNSW builds a layered proximity graph.",
          "metadata": {
           "category": "tech",
           "year": 2024
          }
         }
        },
        "texts": {
         "summary": "One chunk per text",
         "value": {
          "id": "doc-001",
          "title": "Guide",
          "texts": [
           "First paragraph.",
           "Second paragraph."
          ]
         }
        },
        "chunks": {
         "summary": "Chunks with their own metadata",
         "value": {
          "title": "FAQ",
          "metadata": {
           "source": "faq"
          },
          "chunks": [
           {
            "text": "How do I reset my password?",
            "metadata": {
             "section": "account"
            }
           },
           {
            "text": "Where is my invoice?",
            "metadata": {
             "section": "billing"
            }
           }
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Stored.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Document"
        },
        "example": {
         "id": "doc-001",
         "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "title": "Guide",
         "metadata": {},
         "chunks": [
          {
           "id": "c1b7e0b2-4f1e-4c55-9a8e-3d0f1b2a4c5d",
           "document_id": "doc-001",
           "text": "First paragraph.",
           "metadata": {}
          }
         ],
         "created_at": "2025-01-01T12:00:00.000Z",
         "updated_at": "2025-01-01T12:00:00.000Z"
        }
       }
      },
      "links": {
       "GetDocument": {
        "operationId": "getDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        },
        "description": "The document just stored."
       },
       "ReplaceDocument": {
        "operationId": "replaceDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       },
       "DeleteDocument": {
        "operationId": "deleteDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`duplicate_document`: a document with this `id` exists (PUT replaces it); or `embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out` (the embedding provider failed), or `storage_unavailable`."
     }
    }
   },
   "get": {
    "operationId": "listDocuments",
    "tags": [
     "documents"
    ],
    "summary": "List documents (paged)",
    "description": "Documents in insertion order, `limit` at a time; pass `next_cursor` back as `cursor` for the next page. Every document appears exactly once across the pages.",
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "description": "Page size, 1–1000.",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "A previous page's `next_cursor`.",
      "schema": {
       "type": "string",
       "pattern": "^[0-9]{1,19}$"
      }
     },
     {
      "$ref": "#/components/parameters/IncludeEmbeddings"
     }
    ],
    "responses": {
     "200": {
      "description": "One page.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DocumentList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`limit` not an integer or outside 1–1000 (`limit_exceeded`), a `cursor` this server did not issue, or a bad `include_embeddings`."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/libraries/{id}/documents/batch": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "addDocumentsBatch",
    "tags": [
     "documents"
    ],
    "summary": "Add documents in a batch",
    "description": "Stores each document alone: a bad one fails in `results` with its error and the others are stored. Texts are embedded in one provider call.",
    "requestBody": {
     "description": "The documents.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DocumentBatchCreate"
       },
       "examples": {
        "two": {
         "summary": "Two documents",
         "value": {
          "documents": [
           {
            "id": "doc-001",
            "title": "First",
            "text": "Alpha text."
           },
           {
            "title": "Second",
            "texts": [
             "Beta one.",
             "Beta two."
            ],
            "metadata": {
             "category": "b"
            }
           }
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Each document's outcome.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchResult"
        },
        "example": {
         "successful": 1,
         "failed": 1,
         "total_requested": 2,
         "total_chunks_added": 1,
         "processing_time_ms": 12.5,
         "results": [
          {
           "line": 1,
           "success": true,
           "document_id": "doc-001"
          },
          {
           "line": 2,
           "success": false,
           "error": {
            "code": "validation_error",
            "error_type": "ValidationError",
            "message": "a document needs one of 'text', 'texts' or 'chunks'"
           }
          }
         ]
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "The body is not an object with a `documents` array, or holds more than 1000 (`limit_exceeded`)."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out` (the embedding provider failed), or `storage_unavailable`."
     }
    }
   },
   "delete": {
    "operationId": "deleteDocumentsBatch",
    "tags": [
     "documents"
    ],
    "summary": "Delete documents in a batch",
    "description": "Deletes each listed document alone; a missing one fails in `results` with `document_not_found`.",
    "requestBody": {
     "description": "The ids.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DocumentBatchDelete"
       },
       "examples": {
        "ids": {
         "summary": "Two ids",
         "value": {
          "document_ids": [
           "doc-001",
           "doc-002"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Each document's outcome.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`document_ids` missing, not an array of strings, empty, or longer than 1000."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/libraries/{id}/documents/with-embeddings": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "addDocumentWithEmbeddings",
    "tags": [
     "documents"
    ],
    "summary": "Add a document whose chunks bring their vectors (the original's route)",
    "description": "As `POST .../documents`, but every chunk must carry `embedding` (nothing is embedded).",
    "requestBody": {
     "description": "The document, each chunk with its `embedding`.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DocumentCreate"
       },
       "examples": {
        "chunks": {
         "summary": "Two chunks",
         "value": {
          "title": "Own vectors",
          "chunks": [
           {
            "text": "first",
            "embedding": [
             0.1,
             0.2,
             0.3
            ]
           },
           {
            "text": "second",
            "embedding": [
             0.3,
             0.2,
             0.1
            ]
           }
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Stored.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Document"
        }
       }
      },
      "links": {
       "GetDocument": {
        "operationId": "getDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        },
        "description": "The document just stored."
       },
       "ReplaceDocument": {
        "operationId": "replaceDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       },
       "DeleteDocument": {
        "operationId": "deleteDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "Invalid body, a chunk without `embedding` (`chunks[i].embedding`), or a vector of the wrong length."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`duplicate_document`."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/libraries/{id}/documents/batch-with-embeddings": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "addDocumentsBatchWithEmbeddings",
    "tags": [
     "documents"
    ],
    "summary": "Add documents whose chunks bring their vectors, in a batch (the original's route)",
    "description": "As `POST .../documents/batch`, but every chunk must carry `embedding`; a document with a chunk without one fails alone.",
    "requestBody": {
     "description": "The documents.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DocumentBatchCreate"
       },
       "examples": {
        "one": {
         "summary": "One document",
         "value": {
          "documents": [
           {
            "id": "doc-009",
            "chunks": [
             {
              "text": "own",
              "embedding": [
               0.5,
               0.5,
               0.0
              ]
             }
            ]
           }
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Each document's outcome.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "The body is not an object with a `documents` array, or holds more than 1000 (`limit_exceeded`)."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/documents/{doc}": {
   "parameters": [
    {
     "$ref": "#/components/parameters/DocumentIdPath"
    }
   ],
   "get": {
    "operationId": "getDocumentAnyLibrary",
    "tags": [
     "documents"
    ],
    "summary": "Get a document by id alone (the original's route)",
    "description": "The document with this id in whichever library holds it.",
    "parameters": [
     {
      "$ref": "#/components/parameters/IncludeEmbeddings"
     }
    ],
    "responses": {
     "200": {
      "description": "The document.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Document"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`include_embeddings` is not true or false."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`document_not_found`: no library holds the id."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`ambiguous_document`: several libraries hold the id (`details.library_ids`); use the library's route."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "delete": {
    "operationId": "deleteDocumentAnyLibrary",
    "tags": [
     "documents"
    ],
    "summary": "Delete a document by id alone (the original's route)",
    "description": "Deletes the document with this id from whichever library holds it.",
    "responses": {
     "204": {
      "description": "Deleted."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`document_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`ambiguous_document`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/documents/batch": {
   "delete": {
    "operationId": "deleteDocumentsAnyLibrary",
    "tags": [
     "documents"
    ],
    "summary": "Delete documents by id alone, in a batch (the original's route)",
    "description": "Deletes each listed document from whichever library holds it; an id no library holds fails with `document_not_found`, one several hold with `ambiguous_document`, each in `results`.",
    "requestBody": {
     "description": "The ids.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DocumentBatchDelete"
       },
       "examples": {
        "ids": {
         "summary": "Two ids",
         "value": {
          "document_ids": [
           "doc-001",
           "doc-002"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Each document's outcome.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`document_ids` missing, not an array of strings, empty, or longer than 1000."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/libraries/{id}/documents/stream": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "streamDocuments",
    "tags": [
     "documents"
    ],
    "summary": "Upload documents as NDJSON",
    "description": "One document per line (any input form; blank lines are skipped but counted). The body is processed as it arrives, in batches, and is never held whole in memory; it has no overall size limit, only each line (MAX_REQUEST_BODY_BYTES, else that line fails with `line_too_large`). Each line fails alone. With `Accept: application/x-ndjson` the answer streams one line per document as soon as it is durable, then `{\"summary\": {\"successful\", \"failed\"}}` (or `{\"error\": {...}}` if the body broke off); otherwise the answer is the JSON BatchResult once the body is over. The request's Content-Type is not checked.",
    "parameters": [
     {
      "$ref": "#/components/parameters/AcceptNDJSON"
     }
    ],
    "requestBody": {
     "description": "NDJSON: one DocumentCreate object per line.",
     "required": true,
     "content": {
      "application/x-ndjson": {
       "schema": {
        "type": "string",
        "description": "Newline-delimited JSON; each non-blank line is one DocumentCreate (see components/schemas/DocumentCreate)."
       },
       "example": "{\"id\": \"doc-001\", \"title\": \"First\", \"text\": \"Alpha text.\"}\n{\"title\": \"Second\", \"texts\": [\"Beta one.\", \"Beta two.\"]}\n"
      }
     }
    },
    "responses": {
     "200": {
      "description": "Each line's outcome.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchResult"
        }
       },
       "application/x-ndjson": {
        "schema": {
         "type": "string",
         "description": "NDJSON: one UploadLine object per line (see components/schemas/UploadLine)."
        },
        "example": "{\"document_id\":\"doc-001\",\"line\":1,\"success\":true}\n{\"document_id\":\"5b9c…\",\"line\":2,\"success\":true}\n{\"summary\":{\"failed\":0,\"successful\":2}}\n"
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "500": {
      "$ref": "#/components/responses/InternalError",
      "description": "The body could not be read (JSON answer only; the NDJSON answer reports it in its last line)."
     }
    }
   }
  },
  "/v1/libraries/{id}/documents/{doc}": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    },
    {
     "$ref": "#/components/parameters/DocumentIdPath"
    }
   ],
   "get": {
    "operationId": "getDocument",
    "tags": [
     "documents"
    ],
    "summary": "Get a document",
    "description": "The document with its chunks.",
    "parameters": [
     {
      "$ref": "#/components/parameters/IncludeEmbeddings"
     }
    ],
    "responses": {
     "200": {
      "description": "The document.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Document"
        },
        "example": {
         "id": "doc-001",
         "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "title": "Guide",
         "metadata": {},
         "chunks": [
          {
           "id": "c1b7e0b2-4f1e-4c55-9a8e-3d0f1b2a4c5d",
           "document_id": "doc-001",
           "text": "First paragraph.",
           "metadata": {}
          }
         ],
         "created_at": "2025-01-01T12:00:00.000Z",
         "updated_at": "2025-01-01T12:00:00.000Z"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "`include_embeddings` is not true or false."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found` or `document_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "put": {
    "operationId": "replaceDocument",
    "tags": [
     "documents"
    ],
    "summary": "Replace (upsert) a document",
    "description": "Stores the document under the path's id, replacing the one there (200) or creating it (201).",
    "requestBody": {
     "description": "The document.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DocumentReplace"
       },
       "examples": {
        "text": {
         "summary": "One chunk",
         "value": {
          "title": "Vector indexes (2nd edition)",
          "text": "HNSW and IVF compared.",
          "metadata": {
           "edition": 2
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Replaced.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Document"
        }
       }
      },
      "links": {
       "GetDocument": {
        "operationId": "getDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        },
        "description": "The document just stored."
       },
       "ReplaceDocument": {
        "operationId": "replaceDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       },
       "DeleteDocument": {
        "operationId": "deleteDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       }
      }
     },
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Document"
        }
       }
      },
      "links": {
       "GetDocument": {
        "operationId": "getDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        },
        "description": "The document just stored."
       },
       "ReplaceDocument": {
        "operationId": "replaceDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       },
       "DeleteDocument": {
        "operationId": "deleteDocument",
        "parameters": {
         "id": "$request.path.id",
         "doc": "$response.body#/id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "Invalid body, an invalid document id in the path, or a body `id` that differs from it."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out` (the embedding provider failed), or `storage_unavailable`."
     }
    }
   },
   "delete": {
    "operationId": "deleteDocument",
    "tags": [
     "documents"
    ],
    "summary": "Delete a document",
    "description": "Deletes the document and its chunks.",
    "responses": {
     "204": {
      "description": "Deleted."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "Only for the id `batch`: `DELETE .../documents/batch` is the batch delete, which needs a body."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found` or `document_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/libraries/{id}/search": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "searchLibrary",
    "tags": [
     "search"
    ],
    "summary": "Search",
    "description": "Nearest chunks to `query` (embedded) or `query_vector`, nearest first.",
    "requestBody": {
     "description": "The search.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SearchRequest"
       },
       "examples": {
        "text": {
         "summary": "A text query with a filter",
         "value": {
          "query": "how do vector indexes work",
          "k": 5,
          "filter": {
           "category": {
            "$in": [
             "tech",
             "science"
            ]
           }
          }
         }
        },
        "vector": {
         "summary": "A vector query",
         "value": {
          "query_vector": [
           0.12,
           -0.03,
           0.88
          ],
          "k": 3,
          "distance_threshold": 0.5
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SearchResponse"
        },
        "example": {
         "results": [
          {
           "chunk": {
            "id": "c1b7e0b2-4f1e-4c55-9a8e-3d0f1b2a4c5d",
            "document_id": "doc-001",
            "text": "HNSW builds a layered proximity graph.",
            "metadata": {
             "category": "tech"
            }
           },
           "document_id": "doc-001",
           "distance": 0.18,
           "score": 0.82
          }
         ],
         "total": 1,
         "query_time_ms": 0.42
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out`: the query could not be embedded."
     }
    }
   }
  },
  "/v1/libraries/{id}/search/metadata": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "searchMetadata",
    "tags": [
     "search"
    ],
    "summary": "Search restricted by a filter",
    "description": "The same search with `filter` required.",
    "requestBody": {
     "description": "The search.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/MetadataSearchRequest"
       },
       "examples": {
        "filtered": {
         "summary": "Recent tech chunks",
         "value": {
          "query": "indexes",
          "k": 10,
          "filter": {
           "$and": [
            {
             "category": "tech"
            },
            {
             "year": {
              "$gte": 2020
             }
            }
           ]
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SearchResponse"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out`: the query could not be embedded."
     }
    }
   }
  },
  "/v1/libraries/{id}/search/embedding": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "searchEmbedding",
    "tags": [
     "search"
    ],
    "summary": "Search by a vector (the original's route)",
    "description": "`/search` with the query vector in `embedding` (the original arrwDB's field); `k`, `distance_threshold`, `filter`, `include_embeddings` (also as a query parameter) as there.",
    "parameters": [
     {
      "$ref": "#/components/parameters/IncludeEmbeddings"
     }
    ],
    "requestBody": {
     "description": "The search.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "embedding"
        ],
        "properties": {
         "embedding": {
          "type": "array",
          "items": {
           "type": "number"
          }
         },
         "k": {
          "type": "integer",
          "minimum": 1
         },
         "distance_threshold": {
          "type": "number"
         }
        },
        "additionalProperties": true
       },
       "examples": {
        "vector": {
         "summary": "Three numbers",
         "value": {
          "embedding": [
           0.1,
           0.2,
           0.3
          ],
          "k": 5
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SearchResponse"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out`: the query could not be embedded."
     }
    }
   }
  },
  "/v1/libraries/{id}/search/filtered": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "searchFiltered",
    "tags": [
     "search"
    ],
    "summary": "Search with the original's metadata filters",
    "description": "A text search whose `metadata_filters` (`{field, operator, value}`, operator `eq ne gt lt gte lte in contains`) must all hold; they mean what the filter `{\"$and\": [{field: {\"$operator\": value}}, …]}` means, and a `filter` given too must hold as well. An unknown operator is 400 `unknown_filter_operator`.",
    "parameters": [
     {
      "$ref": "#/components/parameters/IncludeEmbeddings"
     }
    ],
    "requestBody": {
     "description": "The search.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "query",
         "metadata_filters"
        ],
        "properties": {
         "query": {
          "type": "string"
         },
         "k": {
          "type": "integer",
          "minimum": 1
         },
         "metadata_filters": {
          "type": "array",
          "items": {
           "type": "object",
           "required": [
            "field",
            "operator",
            "value"
           ],
           "properties": {
            "field": {
             "type": "string"
            },
            "operator": {
             "type": "string",
             "enum": [
              "eq",
              "ne",
              "gt",
              "lt",
              "gte",
              "lte",
              "in",
              "contains"
             ]
            },
            "value": {}
           }
          }
         }
        },
        "additionalProperties": true
       },
       "examples": {
        "filters": {
         "summary": "Tech since 2020",
         "value": {
          "query": "indexes",
          "k": 5,
          "metadata_filters": [
           {
            "field": "category",
            "operator": "eq",
            "value": "tech"
           },
           {
            "field": "year",
            "operator": "gte",
            "value": 2020
           }
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SearchResponse"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out`: the query could not be embedded."
     }
    }
   }
  },
  "/v1/libraries/{id}/search/stream": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "searchStream",
    "tags": [
     "search"
    ],
    "summary": "Search, streamed",
    "description": "The same search; with `Accept: application/x-ndjson` one SearchResult per line, nearest first, then `{\"summary\": {\"total\", \"query_time_ms\"}}`; otherwise the JSON SearchResponse.",
    "parameters": [
     {
      "$ref": "#/components/parameters/AcceptNDJSON"
     }
    ],
    "requestBody": {
     "description": "The search.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SearchRequest"
       },
       "examples": {
        "text": {
         "summary": "A text query with a filter",
         "value": {
          "query": "how do vector indexes work",
          "k": 5,
          "filter": {
           "category": {
            "$in": [
             "tech",
             "science"
            ]
           }
          }
         }
        },
        "vector": {
         "summary": "A vector query",
         "value": {
          "query_vector": [
           0.12,
           -0.03,
           0.88
          ],
          "k": 3,
          "distance_threshold": 0.5
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SearchResponse"
        }
       },
       "application/x-ndjson": {
        "schema": {
         "type": "string",
         "description": "NDJSON: one SearchStreamLine object per line (see components/schemas/SearchStreamLine)."
        },
        "example": "{\"chunk\":{\"document_id\":\"doc-001\",\"id\":\"c1\",\"metadata\":{},\"text\":\"…\"},\"distance\":0.18,\"document_id\":\"doc-001\",\"score\":0.82}\n{\"summary\":{\"query_time_ms\":0.4,\"total\":1}}\n"
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out`: the query could not be embedded."
     }
    }
   }
  },
  "/v1/libraries/{id}/search/hybrid": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "searchHybrid",
    "tags": [
     "search"
    ],
    "summary": "Hybrid (keyword + semantic) search",
    "description": "BM25 and vector search over the same library, fused by `fusion` with weight `alpha`; each result adds `score_breakdown` and its `score` is the fused score.",
    "requestBody": {
     "description": "The search.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/HybridSearchRequest"
       },
       "examples": {
        "rrf": {
         "summary": "Reciprocal rank fusion",
         "value": {
          "query": "reset password",
          "k": 5,
          "alpha": 0.5,
          "fusion": "rrf",
          "rrf_k": 60
         }
        },
        "weighted": {
         "summary": "Mostly semantic",
         "value": {
          "query": "invoice missing",
          "k": 10,
          "alpha": 0.8
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/HybridSearchResponse"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "Invalid body, `candidates` below `k`, weights that do not sum to 1, or `alpha` below 1 on a library whose `text_analyzer` is `none`."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`embedding_failed`, `embedding_unavailable` or `embedding_timed_out`: the query could not be embedded."
     }
    }
   }
  },
  "/v1/libraries/{id}/search/rerank": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "post": {
    "operationId": "searchRerank",
    "tags": [
     "search"
    ],
    "summary": "Search, then rerank",
    "description": "Semantic search for `candidates` chunks, reordered by `method` (`recency` by default); `score` is the method's score.",
    "requestBody": {
     "description": "The search.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RerankSearchRequest"
       },
       "examples": {
        "mmr": {
         "summary": "Diverse results (MMR)",
         "value": {
          "query": "vector databases",
          "k": 5,
          "candidates": 30,
          "method": "mmr",
          "rerank_params": {
           "lambda": 0.7
          }
         }
        },
        "recency": {
         "summary": "Recent first",
         "value": {
          "query": "release notes",
          "k": 5,
          "method": "recency",
          "rerank_params": {
           "half_life_days": 7
          }
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RerankSearchResponse"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "Invalid input, or `reranker_unavailable` (method `cohere` without COHERE_API_KEY)."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`embedding_model_mismatch`: the text would be embedded by another model than the library's (the request names another `embedding_model`, or the library's provider is no longer configured or serves another model)."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests",
      "description": "`rerank_rate_limited` (the Cohere rerank service) or `rate_limited`."
     },
     "502": {
      "$ref": "#/components/responses/BadGateway"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`rerank_failed` or `embedding_failed`."
     }
    }
   }
  },
  "/v1/libraries/{id}/ws": {
   "parameters": [
    {
     "$ref": "#/components/parameters/LibraryId"
    }
   ],
   "get": {
    "operationId": "libraryWebSocket",
    "tags": [
     "events"
    ],
    "summary": "WebSocket: search, write and follow a library live",
    "description": "A WebSocket upgrade (`Connection: Upgrade`, `Upgrade: websocket`, `Sec-WebSocket-Version: 13`, `Sec-WebSocket-Key`). Each client text message is a WebSocketRequest `{\"request_id\", \"action\": \"search\"|\"add\"|\"delete\"|\"get\"|\"subscribe\"|\"unsubscribe\"|\"ping\", \"data\": {..}}` and is answered, in order, with a WebSocketReply `{\"request_id\", \"success\", \"data\", \"error\"}` (`request_id` echoed as sent; an unknown action is `unknown_action`, a binary frame or a non-JSON message an error reply, never a disconnect). `search` data: `{\"query\" | \"query_text\" | \"query_vector\", \"k\", \"filter\"?, \"mode\"?: \"semantic\"|\"hybrid\"}`; `add`: a document; `delete`/`get`: `{\"document_id\"}`; `subscribe`: `{\"event_types\"?: [..], \"since\"?: sequence}`, after which the library's events arrive as `{\"type\": \"event\", \"event\": {..}}` (a second subscribe replaces the first). Many clients may use one library; a client that stops reading is closed with code 1008 (policy violation) and a reason once its outbound queue is full, so it never stalls the server or other clients. API keys and rate limits apply to the upgrade (it takes one token).",
    "responses": {
     "101": {
      "description": "Switching Protocols: the WebSocket session begins.",
      "headers": {
       "Upgrade": {
        "schema": {
         "type": "string",
         "enum": [
          "websocket"
         ]
        }
       },
       "Connection": {
        "schema": {
         "type": "string"
        }
       },
       "Sec-WebSocket-Accept": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "The upgrade was refused (an unknown library, a missing or wrong API key, a spent rate limit, or a malformed handshake): a bare 400 with an empty body; the server log says why."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`not_found`: a GET without the WebSocket upgrade headers reaches no HTTP route."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/jobs": {
   "get": {
    "operationId": "listJobs",
    "tags": [
     "jobs"
    ],
    "summary": "List jobs",
    "description": "Jobs newest first, filtered and paged.",
    "parameters": [
     {
      "name": "status",
      "in": "query",
      "required": false,
      "schema": {
       "$ref": "#/components/schemas/JobStatus"
      }
     },
     {
      "name": "type",
      "in": "query",
      "required": false,
      "schema": {
       "$ref": "#/components/schemas/JobType"
      }
     },
     {
      "name": "library_id",
      "in": "query",
      "required": false,
      "description": "Only this library's jobs.",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "description": "The previous page's `next_cursor` (a job id).",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "One page.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JobList"
        },
        "example": {
         "jobs": [
          {
           "job_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
           "type": "batch_export",
           "job_type": "batch_export",
           "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
           "status": "completed",
           "progress": 100,
           "progress_detail": {
            "current": 2,
            "total": 2,
            "message": ""
           },
           "result": {
            "documents": 2,
            "bytes": 512,
            "download": "/v1/jobs/3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93/result",
            "expires_at": 1735819200.0
           },
           "error": null,
           "attempts": 1,
           "max_retries": 3,
           "created_at": "2025-01-01T12:00:00.000Z",
           "started_at": "2025-01-01T12:00:00.010Z",
           "completed_at": "2025-01-01T12:00:00.050Z"
          }
         ],
         "total": 1,
         "next_cursor": null
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "An unknown `status` or `type`, `limit` outside 1–1000, or a `cursor` that is not a job of this listing."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/jobs/stats/queue": {
   "get": {
    "operationId": "getJobQueueStats",
    "tags": [
     "jobs"
    ],
    "summary": "Job queue statistics (original shape)",
    "description": "Counts of jobs by status and the workers.",
    "responses": {
     "200": {
      "description": "The statistics.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JobQueueStats"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/v1/jobs/{job}": {
   "post": {
    "operationId": "submitJob",
    "tags": [
     "jobs"
    ],
    "summary": "Submit a job",
    "description": "Queues a background job of the path's type (202 `{job_id, status}`); it is durable: after a restart a pending job runs and a running one resumes from its checkpoint. The original arrwDB's hyphenated names (`batch-import`, …) answer 200 with a `message`. A `batch_import` may instead send its documents as an NDJSON body (`Content-Type: application/x-ndjson`) with `library_id` in the query.",
    "parameters": [
     {
      "name": "job",
      "in": "path",
      "required": true,
      "description": "The job type.",
      "schema": {
       "type": "string",
       "enum": [
        "batch_import",
        "index_rebuild",
        "index_optimize",
        "regenerate_embeddings",
        "batch_delete",
        "batch_export",
        "batch-import",
        "index-rebuild",
        "index-optimize",
        "regenerate-embeddings",
        "batch-delete",
        "batch-export"
       ]
      },
      "example": "batch_export"
     },
     {
      "name": "library_id",
      "in": "query",
      "required": false,
      "description": "The library of a `batch_import` sent as NDJSON (ignored with a JSON body).",
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "description": "The job's input.",
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/JobSubmission"
       },
       "examples": {
        "batch_export": {
         "summary": "Export a library",
         "value": {
          "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
          "include_embeddings": false
         }
        },
        "batch_import": {
         "summary": "Import documents",
         "value": {
          "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
          "documents": [
           {
            "title": "A",
            "text": "Alpha."
           },
           {
            "title": "B",
            "texts": [
             "Beta.",
             "Gamma."
            ]
           }
          ]
         }
        },
        "batch_delete": {
         "summary": "Delete by filter",
         "value": {
          "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
          "filter": {
           "category": "obsolete"
          }
         }
        },
        "index_rebuild": {
         "summary": "Rebuild as IVF",
         "value": {
          "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
          "index_type": "ivf",
          "index_params": {
           "nlist": 64,
           "nprobe": 8
          }
         }
        },
        "index_optimize": {
         "summary": "Optimize",
         "value": {
          "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93"
         }
        }
       }
      },
      "application/x-ndjson": {
       "schema": {
        "type": "string",
        "description": "batch_import only: one DocumentCreate per line; `library_id` goes in the query."
       },
       "example": "{\"id\": \"doc-001\", \"title\": \"First\", \"text\": \"Alpha text.\"}\n{\"title\": \"Second\", \"texts\": [\"Beta one.\", \"Beta two.\"]}\n"
      }
     }
    },
    "responses": {
     "200": {
      "description": "Queued (the original arrwDB's hyphenated type names).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JobSubmitted"
        },
        "example": {
         "job_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "status": "pending",
         "message": "batch_import job submitted"
        }
       }
      },
      "links": {
       "GetJob": {
        "operationId": "getJob",
        "parameters": {
         "job": "$response.body#/job_id"
        },
        "description": "The job just submitted."
       },
       "CancelJob": {
        "operationId": "cancelJob",
        "parameters": {
         "job": "$response.body#/job_id"
        }
       },
       "GetJobResult": {
        "operationId": "getJobResult",
        "parameters": {
         "job": "$response.body#/job_id"
        }
       }
      }
     },
     "202": {
      "description": "Queued.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JobSubmitted"
        },
        "example": {
         "job_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "status": "pending"
        }
       }
      },
      "links": {
       "GetJob": {
        "operationId": "getJob",
        "parameters": {
         "job": "$response.body#/job_id"
        },
        "description": "The job just submitted."
       },
       "CancelJob": {
        "operationId": "cancelJob",
        "parameters": {
         "job": "$response.body#/job_id"
        }
       },
       "GetJobResult": {
        "operationId": "getJobResult",
        "parameters": {
         "job": "$response.body#/job_id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest",
      "description": "An unknown job type, a body that is not a JSON object (or NDJSON for another type than batch_import), a missing `library_id`, or input the type does not take."
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`library_not_found`."
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests",
      "description": "`job_queue_full` (MAX_PENDING_JOBS unfinished jobs) or `rate_limited`."
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   },
   "get": {
    "operationId": "getJob",
    "tags": [
     "jobs"
    ],
    "summary": "Get a job",
    "description": "The job's status, progress, result or error, and timestamps.",
    "parameters": [
     {
      "$ref": "#/components/parameters/JobId"
     }
    ],
    "responses": {
     "200": {
      "description": "The job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        },
        "example": {
         "job_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "type": "batch_export",
         "job_type": "batch_export",
         "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93",
         "status": "completed",
         "progress": 100,
         "progress_detail": {
          "current": 2,
          "total": 2,
          "message": ""
         },
         "result": {
          "documents": 2,
          "bytes": 512,
          "download": "/v1/jobs/3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93/result",
          "expires_at": 1735819200.0
         },
         "error": null,
         "attempts": 1,
         "max_retries": 3,
         "created_at": "2025-01-01T12:00:00.000Z",
         "started_at": "2025-01-01T12:00:00.010Z",
         "completed_at": "2025-01-01T12:00:00.050Z"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`job_not_found`."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   },
   "delete": {
    "operationId": "cancelJob",
    "tags": [
     "jobs"
    ],
    "summary": "Cancel a job",
    "description": "A pending job is cancelled at once; a running one at its next checkpoint (the answer may still say `running`), keeping what it already committed.",
    "parameters": [
     {
      "$ref": "#/components/parameters/JobId"
     }
    ],
    "responses": {
     "200": {
      "description": "The job after the cancel request.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`job_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`job_finished`: the job has completed, failed or been cancelled already."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable",
      "description": "`storage_unavailable`."
     }
    }
   }
  },
  "/v1/jobs/{job}/result": {
   "parameters": [
    {
     "$ref": "#/components/parameters/JobId"
    }
   ],
   "get": {
    "operationId": "getJobResult",
    "tags": [
     "jobs"
    ],
    "summary": "Download a finished export",
    "description": "The NDJSON file of a completed `batch_export` job: one ExportLine per document, in insertion order.",
    "responses": {
     "200": {
      "description": "The export.",
      "content": {
       "application/x-ndjson": {
        "schema": {
         "type": "string",
         "description": "NDJSON: one ExportLine object per line (see components/schemas/ExportLine)."
        },
        "example": "{\"chunks\":[{\"id\":\"c1\",\"metadata\":{},\"text\":\"Alpha.\"}],\"id\":\"doc-001\",\"metadata\":{},\"title\":\"A\"}\n"
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound",
      "description": "`job_not_found`."
     },
     "409": {
      "$ref": "#/components/responses/Conflict",
      "description": "`job_result_unavailable`: not a batch_export job, or not completed."
     },
     "410": {
      "$ref": "#/components/responses/Gone",
      "description": "`export_expired`: the file was removed after its retention."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "500": {
      "$ref": "#/components/responses/InternalError",
      "description": "The export file could not be read."
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "ErrorCode": {
    "type": "string",
    "description": "Every error code a client can see (ErrorCatalogue): the engine's, the server's, the HTTP layer's and the streams'.",
    "enum": [
     "validation_error",
     "invalid_filter",
     "unknown_filter_operator",
     "dimension_mismatch",
     "limit_exceeded",
     "library_not_found",
     "document_not_found",
     "duplicate_name",
     "duplicate_document",
     "resume_point_expired",
     "embedding_failed",
     "storage_unavailable",
     "embedding_invalid",
     "recovery_failed",
     "job_not_found",
     "job_finished",
     "job_queue_full",
     "job_failed",
     "job_result_unavailable",
     "export_expired",
     "reranker_unavailable",
     "rerank_failed",
     "embedding_credentials_rejected",
     "embedding_model_unknown",
     "embedding_unavailable",
     "embedding_timed_out",
     "embedding_rejected",
     "embedding_model_mismatch",
     "tenant_not_found",
     "tenant_active",
     "quota_exceeded",
     "rerank_rate_limited",
     "invalid_json",
     "line_too_large",
     "unknown_action",
     "upload_interrupted",
     "internal_error",
     "not_ready",
     "docs_unavailable",
     "webhook_not_found",
     "webhook_target_forbidden",
     "ambiguous_document",
     "unauthorized",
     "rate_limited",
     "payload_too_large",
     "not_found",
     "method_not_allowed",
     "unsupported_media_type",
     "bad_request",
     "forbidden_origin",
     "request_timeout",
     "too_many_connections",
     "subscriber_too_slow"
    ]
   },
   "ErrorBody": {
    "type": "object",
    "required": [
     "code",
     "error_type",
     "message"
    ],
    "properties": {
     "code": {
      "$ref": "#/components/schemas/ErrorCode"
     },
     "error_type": {
      "type": "string",
      "description": "The original arrwDB's name for the error: `LibraryNotFoundError`, `DocumentNotFoundError`, `DimensionMismatchError`, `JobNotFoundError`, else one per status (`ValidationError` for a 400, `NotFoundError`, `ConflictError`, `RateLimitExceededError`, `UpstreamServiceError` for a 502, `ServiceUnavailableError`, ...).",
      "examples": [
       "LibraryNotFoundError"
      ]
     },
     "message": {
      "type": "string",
      "description": "What went wrong, for people."
     },
     "details": {
      "type": "object",
      "description": "Structured context when there is some: the offending `field`, a `limit`, the `operator`, `library_id`, `document_id`, `line`, `retry_after_seconds`, …",
      "additionalProperties": true
     }
    }
   },
   "ErrorEnvelope": {
    "type": "object",
    "description": "Every error answer: `{\"error\": {\"code\", \"message\", \"details\"?}}`.",
    "required": [
     "error"
    ],
    "properties": {
     "error": {
      "$ref": "#/components/schemas/ErrorBody"
     }
    },
    "example": {
     "error": {
      "code": "validation_error",
      "message": "'name' is required",
      "details": {
       "field": "name"
      }
     }
    }
   },
   "Health": {
    "type": "object",
    "required": [
     "status",
     "version"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "healthy",
       "starting"
      ],
      "description": "`starting` while the data directory recovers."
     },
     "version": {
      "type": "string",
      "examples": [
       "0.1.0"
      ]
     },
     "timestamp": {
      "type": "string",
      "format": "date-time",
      "description": "When the server answered (not while it starts)."
     }
    }
   },
   "ServerInfo": {
    "type": "object",
    "required": [
     "name",
     "version",
     "docs",
     "health",
     "openapi"
    ],
    "properties": {
     "name": {
      "type": "string",
      "const": "arrwDB"
     },
     "version": {
      "type": "string",
      "examples": [
       "0.1.0"
      ]
     },
     "docs": {
      "type": "string",
      "const": "/docs"
     },
     "health": {
      "type": "string",
      "const": "/health"
     },
     "openapi": {
      "type": "string",
      "const": "/openapi.json"
     }
    }
   },
   "Readiness": {
    "type": "object",
    "required": [
     "ready"
    ],
    "properties": {
     "ready": {
      "type": "boolean",
      "description": "true when the server can serve requests."
     },
     "reason": {
      "type": "string",
      "description": "Why the server is not ready (only when `ready` is false)."
     }
    }
   },
   "HealthDetailed": {
    "type": "object",
    "required": [
     "status",
     "version",
     "components"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "healthy",
       "degraded",
       "unhealthy"
      ],
      "description": "The worst component's status; the answer is 503 when it is `unhealthy`."
     },
     "version": {
      "type": "string"
     },
     "components": {
      "type": "object",
      "required": [
       "engine",
       "embedding",
       "data_directory",
       "storage"
      ],
      "properties": {
       "engine": {
        "type": "object",
        "required": [
         "status",
         "libraries",
         "documents",
         "chunks"
        ],
        "properties": {
         "status": {
          "$ref": "#/components/schemas/ComponentStatus"
         },
         "libraries": {
          "type": "integer",
          "minimum": 0
         },
         "documents": {
          "type": "integer",
          "minimum": 0
         },
         "chunks": {
          "type": "integer",
          "minimum": 0
         }
        }
       },
       "embedding": {
        "type": "object",
        "description": "The provider embedded a probe text (within 5 s) when `healthy`.",
        "required": [
         "status",
         "model",
         "dimension"
        ],
        "properties": {
         "status": {
          "$ref": "#/components/schemas/ComponentStatus"
         },
         "model": {
          "type": "string"
         },
         "dimension": {
          "type": "integer",
          "minimum": 1
         },
         "latency_ms": {
          "type": "number",
          "minimum": 0
         },
         "error": {
          "type": "string"
         }
        }
       },
       "data_directory": {
        "type": "object",
        "description": "A probe file was written, fsynced and removed; free space is `degraded` under 256 MiB.",
        "required": [
         "status",
         "writable"
        ],
        "properties": {
         "status": {
          "$ref": "#/components/schemas/ComponentStatus"
         },
         "path": {
          "type": "string"
         },
         "durable": {
          "type": "boolean"
         },
         "writable": {
          "type": [
           "boolean",
           "null"
          ],
          "description": "null for an in-memory server."
         },
         "free_bytes": {
          "type": "integer",
          "minimum": 0
         },
         "total_bytes": {
          "type": "integer",
          "minimum": 0
         },
         "warning": {
          "type": "string"
         },
         "error": {
          "type": "string"
         }
        }
       },
       "storage": {
        "type": "object",
        "required": [
         "status",
         "durable",
         "data_dir",
         "last_sequence",
         "durable_through",
         "wal_segments",
         "wal_fsyncs",
         "snapshot_sequence",
         "error"
        ],
        "properties": {
         "status": {
          "$ref": "#/components/schemas/ComponentStatus"
         },
         "durable": {
          "type": "boolean",
          "description": "false for an in-memory server (DATA_DIR=:memory:)."
         },
         "data_dir": {
          "type": [
           "string",
           "null"
          ]
         },
         "last_sequence": {
          "type": "integer",
          "minimum": 0
         },
         "durable_through": {
          "type": "integer",
          "minimum": 0
         },
         "wal_segments": {
          "type": "integer",
          "minimum": 0
         },
         "wal_fsyncs": {
          "type": "integer",
          "minimum": 0
         },
         "snapshot_sequence": {
          "type": [
           "integer",
           "null"
          ],
          "minimum": 0
         },
         "error": {
          "type": [
           "string",
           "null"
          ]
         }
        }
       }
      }
     }
    }
   },
   "ComponentStatus": {
    "type": "string",
    "enum": [
     "healthy",
     "degraded",
     "unhealthy"
    ]
   },
   "IndexType": {
    "type": "string",
    "enum": [
     "brute_force",
     "kd_tree",
     "lsh",
     "hnsw",
     "ivf"
    ],
    "description": "The index structure serving searches."
   },
   "Metric": {
    "type": "string",
    "enum": [
     "cosine",
     "l2",
     "dot"
    ],
    "description": "cosine: distance = 1 − cosine similarity, score = cosine similarity; l2: distance = Euclidean distance, score = 1 / (1 + distance); dot: distance = −dot product, score = dot product."
   },
   "BruteForceParams": {
    "type": "object",
    "description": "`brute_force` takes no parameters.",
    "maxProperties": 0,
    "additionalProperties": false
   },
   "KDTreeParams": {
    "type": "object",
    "additionalProperties": false,
    "properties": {
     "leaf_size": {
      "type": "integer",
      "minimum": 1,
      "maximum": 10000,
      "default": 32
     }
    }
   },
   "LSHParams": {
    "type": "object",
    "additionalProperties": false,
    "properties": {
     "tables": {
      "type": "integer",
      "minimum": 1,
      "maximum": 64,
      "default": 16
     },
     "bits": {
      "type": "integer",
      "minimum": 1,
      "maximum": 32,
      "default": 10
     },
     "probes": {
      "type": "integer",
      "minimum": 1,
      "maximum": 1024,
      "default": 10,
      "description": "Search-time: changing only this applies at once, without a rebuild."
     }
    }
   },
   "HNSWParams": {
    "type": "object",
    "additionalProperties": false,
    "properties": {
     "m": {
      "type": "integer",
      "minimum": 2,
      "maximum": 128,
      "default": 16
     },
     "ef_construction": {
      "type": "integer",
      "minimum": 1,
      "maximum": 4096,
      "default": 200
     },
     "ef_search": {
      "type": "integer",
      "minimum": 1,
      "maximum": 4096,
      "default": 64,
      "description": "Search-time: changing only this applies at once, without a rebuild."
     }
    }
   },
   "IVFParams": {
    "type": "object",
    "description": "`nprobe` must not exceed `nlist` (a defaulted `nprobe` is capped at `nlist`).",
    "additionalProperties": false,
    "properties": {
     "nlist": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65536,
      "default": 100
     },
     "nprobe": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65536,
      "default": 16,
      "description": "Search-time: changing only this applies at once, without a rebuild."
     }
    }
   },
   "IndexChoice": {
    "description": "`index_params` must fit `index_type`: one variant per index type.",
    "anyOf": [
     {
      "title": "brute_force (the default)",
      "properties": {
       "index_type": {
        "const": "brute_force"
       },
       "index_params": {
        "$ref": "#/components/schemas/BruteForceParams"
       }
      }
     },
     {
      "title": "kd_tree",
      "required": [
       "index_type"
      ],
      "properties": {
       "index_type": {
        "const": "kd_tree"
       },
       "index_params": {
        "$ref": "#/components/schemas/KDTreeParams"
       }
      }
     },
     {
      "title": "lsh",
      "required": [
       "index_type"
      ],
      "properties": {
       "index_type": {
        "const": "lsh"
       },
       "index_params": {
        "$ref": "#/components/schemas/LSHParams"
       }
      }
     },
     {
      "title": "hnsw",
      "required": [
       "index_type"
      ],
      "properties": {
       "index_type": {
        "const": "hnsw"
       },
       "index_params": {
        "$ref": "#/components/schemas/HNSWParams"
       }
      }
     },
     {
      "title": "ivf",
      "required": [
       "index_type"
      ],
      "properties": {
       "index_type": {
        "const": "ivf"
       },
       "index_params": {
        "$ref": "#/components/schemas/IVFParams"
       }
      }
     }
    ]
   },
   "IndexParams": {
    "type": "object",
    "description": "Integer parameters of `index_type` (defaults filled in): kd_tree `leaf_size` 1–10000 [32]; lsh `tables` 1–64 [16], `bits` 1–32 [10], `probes` 1–1024 [10]; hnsw `m` 2–128 [16], `ef_construction` 1–4096 [200], `ef_search` 1–4096 [64]; ivf `nlist` 1–65536 [100], `nprobe` 1–65536 [16] (≤ nlist); brute_force none. A key that does not apply to the type, a non-integer or an out-of-range value is a 400 `validation_error` naming it."
   },
   "LibraryCreate": {
    "type": "object",
    "description": "`POST /v1/libraries` body. Only `name` is required. `index_params` must fit `index_type` (brute_force when absent), see the variants.",
    "required": [
     "name"
    ],
    "properties": {
     "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 128,
      "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]+$",
      "description": "Unique among libraries (case-sensitive), 1–128 characters, no control characters."
     },
     "description": {
      "type": "string",
      "maxLength": 10000,
      "default": ""
     },
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "index_params": {
      "$ref": "#/components/schemas/IndexParams"
     },
     "metric": {
      "$ref": "#/components/schemas/Metric",
      "default": "cosine"
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true,
      "default": {}
     },
     "dimension": {
      "type": "integer",
      "minimum": 1,
      "maximum": 4096,
      "description": "Fixes the vector dimension up front; otherwise it is set by the first vector stored. Text is embedded by the server's model, so a dimension other than the model's means every chunk must bring its own `embedding`."
     },
     "text_analyzer": {
      "type": "string",
      "enum": [
       "english",
       "simple",
       "none"
      ],
      "default": "english",
      "description": "How chunk texts are analyzed for keyword (BM25) search; fixed at creation. `none` keeps no keyword index (hybrid search with alpha < 1 and bm25 reranking then answer 400)."
     },
     "embedding_model": {
      "type": "string",
      "description": "The embedding provider that embeds this library's texts: a provider's name (`local`, or one of `EMBEDDING_PROVIDERS`) or a model that exactly one configured provider serves; default `EMBEDDING_PROVIDER`. Unknown: 400. The library records the provider and its model; a `regenerate_embeddings` job naming another moves it."
     }
    },
    "allOf": [
     {
      "$ref": "#/components/schemas/IndexChoice"
     }
    ]
   },
   "LibraryUpdate": {
    "type": "object",
    "description": "`PATCH /v1/libraries/{id}` body; absent fields are left as they are and `metadata` replaces the whole object. A new `index_type` or new structural `index_params` start an `index_rebuild` job (answer 202); searches use the old index until the new one is swapped in. `index_params` without `index_type` apply to the current type (the server accepts that; this schema only describes `index_params` together with `index_type`).",
    "properties": {
     "description": {
      "type": "string",
      "maxLength": 10000
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true
     },
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "index_params": {
      "$ref": "#/components/schemas/IndexParams"
     }
    },
    "allOf": [
     {
      "$ref": "#/components/schemas/IndexChoice"
     }
    ]
   },
   "IndexParamsValues": {
    "type": "object",
    "description": "Every parameter of the index type, defaults filled in.",
    "additionalProperties": {
     "type": "integer"
    }
   },
   "Library": {
    "type": "object",
    "required": [
     "id",
     "name",
     "description",
     "index_type",
     "index_params",
     "metric",
     "dimension",
     "embedding_model",
     "metadata",
     "created_at",
     "updated_at",
     "document_count",
     "chunk_count",
     "text_analyzer",
     "embedding_provider"
    ],
    "properties": {
     "id": {
      "type": "string",
      "format": "uuid"
     },
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "index_params": {
      "$ref": "#/components/schemas/IndexParamsValues"
     },
     "metric": {
      "$ref": "#/components/schemas/Metric"
     },
     "dimension": {
      "type": [
       "integer",
       "null"
      ],
      "description": "null until the first vector (unless given at creation)."
     },
     "embedding_model": {
      "type": "string",
      "description": "The model that embeds the library's texts and text queries."
     },
     "embedding_provider": {
      "type": [
       "string",
       "null"
      ],
      "description": "The configured provider serving `embedding_model`; null for a library created before providers had names (served by whichever provider has its model)."
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true
     },
     "created_at": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds."
     },
     "updated_at": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds."
     },
     "document_count": {
      "type": "integer",
      "minimum": 0
     },
     "chunk_count": {
      "type": "integer",
      "minimum": 0
     },
     "text_analyzer": {
      "type": "string",
      "enum": [
       "english",
       "simple",
       "none"
      ]
     },
     "num_documents": {
      "type": "integer",
      "minimum": 0,
      "description": "`document_count` again, as the original arrwDB named it."
     },
     "embedding_dimension": {
      "type": [
       "integer",
       "null"
      ],
      "description": "`dimension` again, as the original arrwDB named it."
     }
    }
   },
   "LibraryRebuilding": {
    "description": "The PATCH answer when the change starts an index rebuild: the library (still described by the index that serves searches) plus `build_state` and the `index_rebuild` job's id (null when the job queue was full: the queue's housekeeping then submits it within a minute).",
    "allOf": [
     {
      "$ref": "#/components/schemas/Library"
     },
     {
      "type": "object",
      "required": [
       "build_state",
       "job_id"
      ],
      "properties": {
       "build_state": {
        "type": "string",
        "enum": [
         "building"
        ]
       },
       "job_id": {
        "type": [
         "string",
         "null"
        ],
        "format": "uuid"
       }
      }
     }
    ]
   },
   "LibraryList": {
    "type": "object",
    "required": [
     "libraries"
    ],
    "properties": {
     "libraries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Library"
      },
      "description": "Oldest first."
     }
    }
   },
   "LibraryStatistics": {
    "type": "object",
    "required": [
     "document_count",
     "chunk_count",
     "dimension",
     "metric",
     "index_type",
     "index_params",
     "index_memory_bytes",
     "pending_index_vectors",
     "index_build_rate",
     "keyword_index",
     "build_state",
     "build_target"
    ],
    "properties": {
     "library_id": {
      "type": "string",
      "format": "uuid",
      "description": "The original arrwDB's fields, beside ours: the library's id."
     },
     "library_name": {
      "type": "string"
     },
     "num_documents": {
      "type": "integer",
      "minimum": 0,
      "description": "`document_count` again."
     },
     "num_chunks": {
      "type": "integer",
      "minimum": 0,
      "description": "`chunk_count` again."
     },
     "embedding_dimension": {
      "type": [
       "integer",
       "null"
      ],
      "description": "`dimension` again."
     },
     "vector_store_stats": {
      "type": "object",
      "description": "`total_vectors`, `dimension`, `metric`.",
      "additionalProperties": true
     },
     "index_stats": {
      "type": "object",
      "description": "`type`, `params`, `size`, `memory_bytes`, `build_state`.",
      "additionalProperties": true
     },
     "document_count": {
      "type": "integer",
      "minimum": 0
     },
     "chunk_count": {
      "type": "integer",
      "minimum": 0
     },
     "dimension": {
      "type": [
       "integer",
       "null"
      ]
     },
     "metric": {
      "$ref": "#/components/schemas/Metric"
     },
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "index_params": {
      "$ref": "#/components/schemas/IndexParamsValues"
     },
     "index_memory_bytes": {
      "type": "integer",
      "minimum": 0
     },
     "pending_index_vectors": {
      "type": "integer",
      "minimum": 0,
      "description": "Vectors written but not yet in the index (searched exactly)."
     },
     "index_build_rate": {
      "type": "number",
      "minimum": 0,
      "description": "Vectors per second moved into the index over the last 10 s."
     },
     "keyword_index": {
      "type": [
       "object",
       "null"
      ],
      "description": "null when the library's text_analyzer is `none`.",
      "required": [
       "analyzer",
       "terms",
       "memory_bytes"
      ],
      "properties": {
       "analyzer": {
        "type": "string",
        "enum": [
         "english",
         "simple"
        ]
       },
       "terms": {
        "type": "integer",
        "minimum": 0
       },
       "memory_bytes": {
        "type": "integer",
        "minimum": 0
       }
      }
     },
     "build_state": {
      "type": "string",
      "enum": [
       "ready",
       "building"
      ]
     },
     "build_target": {
      "type": [
       "object",
       "null"
      ],
      "description": "The index being built to replace the current one, while `build_state` is `building`.",
      "required": [
       "index_type",
       "index_params"
      ],
      "properties": {
       "index_type": {
        "$ref": "#/components/schemas/IndexType"
       },
       "index_params": {
        "$ref": "#/components/schemas/IndexParamsValues"
       }
      }
     }
    }
   },
   "IndexStatistics": {
    "type": "object",
    "required": [
     "library_id",
     "index_type",
     "total_vectors",
     "index_stats",
     "vector_store_stats"
    ],
    "properties": {
     "library_id": {
      "type": "string",
      "format": "uuid"
     },
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "total_vectors": {
      "type": "integer",
      "minimum": 0
     },
     "index_stats": {
      "type": "object",
      "required": [
       "index_type",
       "index_params",
       "memory_bytes",
       "build_state",
       "metric"
      ],
      "properties": {
       "index_type": {
        "$ref": "#/components/schemas/IndexType"
       },
       "index_params": {
        "$ref": "#/components/schemas/IndexParamsValues"
       },
       "memory_bytes": {
        "type": "integer",
        "minimum": 0
       },
       "build_state": {
        "type": "string",
        "enum": [
         "ready",
         "building"
        ]
       },
       "metric": {
        "$ref": "#/components/schemas/Metric"
       }
      }
     },
     "vector_store_stats": {
      "type": "object",
      "required": [
       "total_vectors",
       "dimension",
       "document_count"
      ],
      "properties": {
       "total_vectors": {
        "type": "integer",
        "minimum": 0
       },
       "dimension": {
        "type": [
         "integer",
         "null"
        ]
       },
       "document_count": {
        "type": "integer",
        "minimum": 0
       }
      }
     }
    }
   },
   "IndexRebuildRequest": {
    "type": "object",
    "description": "Optional body of `POST .../index/rebuild` (an empty body rebuilds the current index afresh). `index_config` is the original arrwDB's spelling of `index_params` (`M`→`m`, `num_tables`→`tables`, `hash_size`→`bits`); `index_params` wins when both are given. Without `index_type`, parameters apply to the current type.",
    "properties": {
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "index_params": {
      "$ref": "#/components/schemas/IndexParams"
     },
     "index_config": {
      "type": "object",
      "description": "The original arrwDB's index parameters; keys other than these pass through unchanged.",
      "properties": {
       "M": {
        "type": "integer",
        "minimum": 2,
        "maximum": 128
       },
       "ef_construction": {
        "type": "integer",
        "minimum": 1,
        "maximum": 4096
       },
       "ef_search": {
        "type": "integer",
        "minimum": 1,
        "maximum": 4096
       },
       "num_tables": {
        "type": "integer",
        "minimum": 1,
        "maximum": 64
       },
       "hash_size": {
        "type": "integer",
        "minimum": 1,
        "maximum": 32
       }
      },
      "additionalProperties": false
     }
    },
    "allOf": [
     {
      "$ref": "#/components/schemas/IndexChoice"
     }
    ]
   },
   "IndexRebuildResult": {
    "type": "object",
    "description": "The finished `index_rebuild` job's result with `library_id` and `job_id`. When a later index change replaced its target, only `superseded: true` and `new_index_type` are given.",
    "required": [
     "library_id",
     "job_id",
     "new_index_type"
    ],
    "properties": {
     "library_id": {
      "type": "string",
      "format": "uuid"
     },
     "job_id": {
      "type": "string",
      "format": "uuid"
     },
     "old_index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "new_index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "index_params": {
      "$ref": "#/components/schemas/IndexParamsValues"
     },
     "total_vectors_reindexed": {
      "type": "integer",
      "minimum": 0
     },
     "rebuild_time_ms": {
      "type": "number",
      "minimum": 0
     },
     "superseded": {
      "type": "boolean"
     }
    }
   },
   "IndexOptimizeResult": {
    "type": "object",
    "required": [
     "library_id",
     "job_id",
     "vectors_compacted",
     "memory_freed_bytes",
     "optimization_time_ms",
     "total_vectors"
    ],
    "properties": {
     "library_id": {
      "type": "string",
      "format": "uuid"
     },
     "job_id": {
      "type": "string",
      "format": "uuid"
     },
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "vectors_compacted": {
      "type": "integer",
      "minimum": 0
     },
     "memory_freed_bytes": {
      "type": "integer"
     },
     "optimization_time_ms": {
      "type": "number",
      "minimum": 0
     },
     "total_vectors": {
      "type": "integer",
      "minimum": 0
     }
    }
   },
   "Vector": {
    "type": "array",
    "description": "A float32 vector: 1–4096 finite numbers. Its length must match the library's dimension (or, for a library without vectors yet, the embedding model's when other chunks need embedding), else 400 `dimension_mismatch`.",
    "minItems": 1,
    "maxItems": 4096,
    "items": {
     "type": "number",
     "minimum": -3.4028234663852886e+38,
     "maximum": 3.4028234663852886e+38
    }
   },
   "DocumentId": {
    "type": "string",
    "pattern": "^[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}$",
    "description": "1–128 characters of letters, digits and `-_.:` (not `batch` or `stream`). The server also accepts ids that start with `.`; this schema leaves them out because `.` and `..` path segments are rewritten by HTTP clients."
   },
   "ChunkInput": {
    "type": "object",
    "description": "One chunk: `text` (embedded by the server) and/or its own `embedding` (then not re-embedded). `text` may be empty only when `embedding` is given.",
    "properties": {
     "id": {
      "$ref": "#/components/schemas/DocumentId",
      "description": "A chunk id, unique within the document; chosen by the server when absent."
     },
     "text": {
      "type": "string",
      "maxLength": 10000
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true,
      "description": "Merged over the document's for filtering."
     },
     "embedding": {
      "$ref": "#/components/schemas/Vector"
     }
    },
    "anyOf": [
     {
      "required": [
       "text"
      ],
      "properties": {
       "text": {
        "minLength": 1
       }
      }
     },
     {
      "required": [
       "embedding"
      ]
     }
    ]
   },
   "DocumentCreate": {
    "type": "object",
    "description": "A document in any of the input forms: exactly one of `text`, `texts` or `chunks`, with optional `title`, `metadata` and `id`. Text lengths are limited by MAX_TEXT_LENGTH_PER_CHUNK (10000 characters by default). Other keys are ignored.",
    "properties": {
     "id": {
      "$ref": "#/components/schemas/DocumentId",
      "description": "Chosen by the server (a UUID) when absent; an id that exists already is a 409 on POST."
     },
     "author": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field: kept beside `metadata` and filterable like it."
     },
     "document_type": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field, as `author`."
     },
     "source_url": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field, as `author`."
     },
     "tags": {
      "type": "array",
      "maxItems": 100,
      "items": {
       "type": "string",
       "maxLength": 2048
      },
      "description": "The original arrwDB's field, as `author` (`{\"tags\": {\"$contains\": …}}` filters it)."
     },
     "title": {
      "type": "string",
      "maxLength": 10000,
      "default": ""
     },
     "embedding_model": {
      "type": "string",
      "description": "The model (or provider name) the client expects its text embedded with; another than the library's is a 409 `embedding_model_mismatch`. Default: the library's."
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true,
      "default": {}
     },
     "text": {
      "type": "string",
      "minLength": 1,
      "maxLength": 10000,
      "description": "One chunk."
     },
     "texts": {
      "type": "array",
      "minItems": 1,
      "maxItems": 1000,
      "items": {
       "type": "string",
       "minLength": 1,
       "maxLength": 10000
      },
      "description": "One chunk per text (at most MAX_CHUNKS_PER_DOCUMENT, 1000 by default)."
     },
     "chunks": {
      "type": "array",
      "minItems": 1,
      "maxItems": 1000,
      "items": {
       "$ref": "#/components/schemas/ChunkInput"
      },
      "description": "Chunks with their own metadata and, optionally, embeddings (at most MAX_CHUNKS_PER_DOCUMENT)."
     }
    },
    "oneOf": [
     {
      "title": "text",
      "required": [
       "text"
      ]
     },
     {
      "title": "texts",
      "required": [
       "texts"
      ]
     },
     {
      "title": "chunks",
      "required": [
       "chunks"
      ]
     }
    ]
   },
   "DocumentReplace": {
    "type": "object",
    "description": "The body of `PUT .../documents/{doc}`: a document in any input form (see DocumentCreate). Its id is the path's; an `id` in the body, if sent, must equal it (else 400).",
    "properties": {
     "author": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field: kept beside `metadata` and filterable like it."
     },
     "document_type": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field, as `author`."
     },
     "source_url": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field, as `author`."
     },
     "tags": {
      "type": "array",
      "maxItems": 100,
      "items": {
       "type": "string",
       "maxLength": 2048
      },
      "description": "The original arrwDB's field, as `author` (`{\"tags\": {\"$contains\": …}}` filters it)."
     },
     "title": {
      "type": "string",
      "maxLength": 10000,
      "default": ""
     },
     "embedding_model": {
      "type": "string",
      "description": "The model (or provider name) the client expects its text embedded with; another than the library's is a 409 `embedding_model_mismatch`. Default: the library's."
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true,
      "default": {}
     },
     "text": {
      "type": "string",
      "minLength": 1,
      "maxLength": 10000,
      "description": "One chunk."
     },
     "texts": {
      "type": "array",
      "minItems": 1,
      "maxItems": 1000,
      "items": {
       "type": "string",
       "minLength": 1,
       "maxLength": 10000
      },
      "description": "One chunk per text (at most MAX_CHUNKS_PER_DOCUMENT, 1000 by default)."
     },
     "chunks": {
      "type": "array",
      "minItems": 1,
      "maxItems": 1000,
      "items": {
       "$ref": "#/components/schemas/ChunkInput"
      },
      "description": "Chunks with their own metadata and, optionally, embeddings (at most MAX_CHUNKS_PER_DOCUMENT)."
     }
    },
    "oneOf": [
     {
      "title": "text",
      "required": [
       "text"
      ]
     },
     {
      "title": "texts",
      "required": [
       "texts"
      ]
     },
     {
      "title": "chunks",
      "required": [
       "chunks"
      ]
     }
    ]
   },
   "Chunk": {
    "type": "object",
    "required": [
     "id",
     "document_id",
     "text",
     "metadata"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "document_id": {
      "type": "string"
     },
     "text": {
      "type": "string"
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true
     },
     "chunk_index": {
      "type": "integer",
      "minimum": 0,
      "description": "The chunk's position in its document (filterable as `chunk_index`)."
     },
     "source_document_id": {
      "type": "string",
      "description": "`document_id` again, as the original arrwDB named it."
     },
     "embedding": {
      "type": "array",
      "items": {
       "type": "number"
      },
      "description": "Only when asked for (`include_embeddings`); unit length for cosine libraries."
     }
    }
   },
   "Document": {
    "type": "object",
    "required": [
     "id",
     "library_id",
     "title",
     "metadata",
     "chunks",
     "created_at",
     "updated_at"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "library_id": {
      "type": "string",
      "format": "uuid"
     },
     "title": {
      "type": "string"
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true
     },
     "author": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field: kept beside `metadata` and filterable like it."
     },
     "document_type": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field, as `author`."
     },
     "source_url": {
      "type": "string",
      "maxLength": 2048,
      "description": "The original arrwDB's field, as `author`."
     },
     "tags": {
      "type": "array",
      "maxItems": 100,
      "items": {
       "type": "string",
       "maxLength": 2048
      },
      "description": "The original arrwDB's field, as `author` (`{\"tags\": {\"$contains\": …}}` filters it)."
     },
     "chunks": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Chunk"
      }
     },
     "created_at": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds."
     },
     "updated_at": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds."
     }
    }
   },
   "DocumentList": {
    "type": "object",
    "required": [
     "documents",
     "next_cursor"
    ],
    "properties": {
     "documents": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Document"
      },
      "description": "In insertion order."
     },
     "next_cursor": {
      "type": [
       "string",
       "null"
      ],
      "description": "Pass back as `cursor` for the next page; null on the last page."
     }
    }
   },
   "DocumentBatchCreate": {
    "type": "object",
    "required": [
     "documents"
    ],
    "properties": {
     "documents": {
      "type": "array",
      "maxItems": 1000,
      "items": {
       "$ref": "#/components/schemas/DocumentCreate"
      },
      "description": "At most 1000 documents; each is stored or fails alone (a malformed item fails in `results`)."
     }
    }
   },
   "DocumentBatchDelete": {
    "type": "object",
    "required": [
     "document_ids"
    ],
    "properties": {
     "document_ids": {
      "type": "array",
      "minItems": 1,
      "maxItems": 1000,
      "items": {
       "type": "string"
      },
      "description": "Each is deleted alone; a missing one fails with `document_not_found` in `results`."
     }
    }
   },
   "BatchItem": {
    "type": "object",
    "description": "One item of a batch: `line` is its 1-based position (the line number for NDJSON uploads).",
    "required": [
     "line",
     "success"
    ],
    "properties": {
     "line": {
      "type": "integer",
      "minimum": 1
     },
     "success": {
      "type": "boolean",
      "description": "Whether the item succeeded (the original arrwDB's flag; false exactly when `error` is present)."
     },
     "document_id": {
      "type": "string"
     },
     "error": {
      "$ref": "#/components/schemas/ErrorBody"
     }
    }
   },
   "BatchResult": {
    "type": "object",
    "required": [
     "successful",
     "failed",
     "results",
     "total_requested",
     "processing_time_ms"
    ],
    "properties": {
     "successful": {
      "type": "integer",
      "minimum": 0
     },
     "failed": {
      "type": "integer",
      "minimum": 0
     },
     "results": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/BatchItem"
      }
     },
     "total_requested": {
      "type": "integer",
      "minimum": 0,
      "description": "Items in the request (the original arrwDB's name)."
     },
     "total_chunks_added": {
      "type": "integer",
      "minimum": 0,
      "description": "Chunks the successful items stored (additions only)."
     },
     "processing_time_ms": {
      "type": "number",
      "minimum": 0,
      "description": "Time the server took, in milliseconds."
     },
     "embedding_retries": {
      "type": "integer",
      "minimum": 1,
      "description": "Calls to the remote embedding provider that were retries (present only when there were any)."
     }
    }
   },
   "UploadSummaryLine": {
    "type": "object",
    "required": [
     "summary"
    ],
    "properties": {
     "summary": {
      "type": "object",
      "required": [
       "successful",
       "failed"
      ],
      "properties": {
       "successful": {
        "type": "integer",
        "minimum": 0
       },
       "failed": {
        "type": "integer",
        "minimum": 0
       }
      }
     }
    }
   },
   "UploadLine": {
    "description": "One line of the NDJSON answer of `documents/stream`: a BatchItem per document, then a summary (or, when the body broke off, an error envelope instead of the summary).",
    "anyOf": [
     {
      "$ref": "#/components/schemas/BatchItem"
     },
     {
      "$ref": "#/components/schemas/UploadSummaryLine"
     },
     {
      "$ref": "#/components/schemas/ErrorEnvelope"
     }
    ]
   },
   "FilterOperators": {
    "type": "object",
    "description": "Comparison operators on one field; all must hold. `$gt`/`$gte`/`$lt`/`$lte` compare numbers with numbers and strings with strings; `$ne`/`$nin` match a missing field; `$contains` matches an array holding the value or a string containing it. On `created_at` an operand may be seconds since 1970 or an ISO 8601 string.",
    "minProperties": 1,
    "additionalProperties": false,
    "properties": {
     "$eq": {},
     "$ne": {},
     "$gt": {
      "type": [
       "number",
       "string"
      ]
     },
     "$gte": {
      "type": [
       "number",
       "string"
      ]
     },
     "$lt": {
      "type": [
       "number",
       "string"
      ]
     },
     "$lte": {
      "type": [
       "number",
       "string"
      ]
     },
     "$in": {
      "type": "array"
     },
     "$nin": {
      "type": "array"
     },
     "$exists": {
      "type": "boolean"
     },
     "$contains": {}
    }
   },
   "FieldCondition": {
    "description": "A plain value (equality, JSON equality; arrays are not looked into) or an object of operators.",
    "anyOf": [
     {
      "type": [
       "string",
       "number",
       "boolean",
       "null",
       "array"
      ]
     },
     {
      "$ref": "#/components/schemas/FilterOperators"
     },
     {
      "type": "object",
      "description": "Equality with an object (no key starts with `$`).",
      "propertyNames": {
       "pattern": "^[^$]"
      }
     }
    ]
   },
   "Filter": {
    "type": "object",
    "description": "Metadata filter (Mongo/Chroma style): `{\"field\": value}`, `{\"field\": {\"$op\": v}}`, `$and`, `$or` (non-empty arrays of filters), `$not` (a filter). Several keys must all hold; dotted paths reach nested objects; `document_id` and `created_at` are filterable. An unknown `$` operator is a 400 `unknown_filter_operator` naming it; any other malformed filter (empty path segment, `$in` without an array, more than 32 levels, …) a 400 `invalid_filter`.",
    "properties": {
     "$and": {
      "type": "array",
      "minItems": 1,
      "items": {
       "$ref": "#/components/schemas/Filter"
      }
     },
     "$or": {
      "type": "array",
      "minItems": 1,
      "items": {
       "$ref": "#/components/schemas/Filter"
      }
     },
     "$not": {
      "$ref": "#/components/schemas/Filter"
     }
    },
    "propertyNames": {
     "pattern": "^(\\$and|\\$or|\\$not|[^$.][^.]*(\\.[^.]+)*)$"
    },
    "additionalProperties": {
     "$ref": "#/components/schemas/FieldCondition"
    },
    "example": {
     "$and": [
      {
       "category": {
        "$in": [
         "tech",
         "science"
        ]
       }
      },
      {
       "year": {
        "$gte": 2020
       }
      }
     ]
    }
   },
   "SearchRequest": {
    "type": "object",
    "description": "A nearest-neighbour search: exactly one of `query` (text; the WebSocket spelling `query_text` is accepted too) and `query_vector`.",
    "properties": {
     "query": {
      "type": "string",
      "minLength": 1,
      "maxLength": 10000,
      "description": "Query text, embedded by the server (1 to MAX_TEXT_LENGTH_PER_CHUNK characters)."
     },
     "query_vector": {
      "$ref": "#/components/schemas/Vector"
     },
     "k": {
      "type": "integer",
      "minimum": 1,
      "maximum": 100,
      "default": 10,
      "description": "Results wanted: 1 to MAX_SEARCH_RESULTS (100 by default); more is a 400 `limit_exceeded`."
     },
     "filter": {
      "$ref": "#/components/schemas/Filter"
     },
     "distance_threshold": {
      "type": "number",
      "description": "Keeps results with `distance` ≤ it."
     },
     "include_embeddings": {
      "type": "boolean",
      "default": false
     },
     "ef_search": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65536,
      "description": "Per-query HNSW `ef_search`."
     },
     "nprobe": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65536,
      "description": "Per-query IVF `nprobe`."
     },
     "embedding_model": {
      "type": "string",
      "description": "The model (or provider name) the client expects its text embedded with; another than the library's is a 409 `embedding_model_mismatch`. Default: the library's."
     }
    },
    "oneOf": [
     {
      "title": "text query",
      "required": [
       "query"
      ]
     },
     {
      "title": "vector query",
      "required": [
       "query_vector"
      ]
     }
    ]
   },
   "MetadataSearchRequest": {
    "description": "A search whose `filter` is required (`{}` matches everything).",
    "allOf": [
     {
      "$ref": "#/components/schemas/SearchRequest"
     },
     {
      "type": "object",
      "required": [
       "filter"
      ]
     }
    ]
   },
   "SearchResult": {
    "type": "object",
    "required": [
     "chunk",
     "document_id",
     "distance",
     "score"
    ],
    "properties": {
     "chunk": {
      "$ref": "#/components/schemas/Chunk"
     },
     "document_id": {
      "type": "string"
     },
     "document_title": {
      "type": "string",
      "description": "The title of the chunk's document."
     },
     "distance": {
      "type": [
       "number",
       "null"
      ],
      "description": "Smaller is closer (see Metric). null only when not finite (l2/dot of vectors whose products overflow float32) or, in hybrid search, when not computed."
     },
     "score": {
      "type": [
       "number",
       "null"
      ],
      "description": "Greater is better (see Metric); null only when not finite."
     }
    }
   },
   "SearchResponse": {
    "type": "object",
    "required": [
     "results",
     "total",
     "query_time_ms"
    ],
    "properties": {
     "results": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/SearchResult"
      },
      "description": "Nearest first."
     },
     "total": {
      "type": "integer",
      "minimum": 0
     },
     "total_results": {
      "type": "integer",
      "minimum": 0,
      "description": "`total` again, as the original arrwDB named it."
     },
     "query_time_ms": {
      "type": "number",
      "minimum": 0
     }
    }
   },
   "SearchStreamSummaryLine": {
    "type": "object",
    "required": [
     "summary"
    ],
    "properties": {
     "summary": {
      "type": "object",
      "required": [
       "total",
       "query_time_ms"
      ],
      "properties": {
       "total": {
        "type": "integer",
        "minimum": 0
       },
       "query_time_ms": {
        "type": "number",
        "minimum": 0
       }
      }
     }
    }
   },
   "SearchStreamLine": {
    "description": "One line of the NDJSON answer of `search/stream`: a SearchResult per hit, nearest first, then the summary.",
    "anyOf": [
     {
      "$ref": "#/components/schemas/SearchResult"
     },
     {
      "$ref": "#/components/schemas/SearchStreamSummaryLine"
     }
    ]
   },
   "HybridSearchRequest": {
    "type": "object",
    "description": "BM25 keyword search and semantic search fused. The original arrwDB's fields `vector_weight`, `metadata_weight` (they must sum to 1), `recency_boost` and `recency_half_life_days` turn on its scoring (then `alpha` defaults to 1 and the answer adds `scoring_config` and `total_results`).",
    "required": [
     "query"
    ],
    "properties": {
     "query": {
      "type": "string",
      "minLength": 1,
      "maxLength": 10000,
      "description": "Query text, embedded by the server (1 to MAX_TEXT_LENGTH_PER_CHUNK characters)."
     },
     "query_vector": {
      "$ref": "#/components/schemas/Vector",
      "description": "Used for the semantic side instead of embedding `query`."
     },
     "k": {
      "type": "integer",
      "minimum": 1,
      "maximum": 100,
      "default": 10,
      "description": "Results wanted: 1 to MAX_SEARCH_RESULTS (100 by default); more is a 400 `limit_exceeded`."
     },
     "filter": {
      "$ref": "#/components/schemas/Filter"
     },
     "distance_threshold": {
      "type": "number",
      "description": "Keeps results with `distance` ≤ it."
     },
     "include_embeddings": {
      "type": "boolean",
      "default": false
     },
     "alpha": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "default": 0.5,
      "description": "0 keyword only … 1 semantic only."
     },
     "fusion": {
      "type": "string",
      "enum": [
       "rrf",
       "weighted",
       "dbsf"
      ],
      "default": "weighted"
     },
     "rrf_k": {
      "type": "number",
      "minimum": 0,
      "default": 60
     },
     "candidates": {
      "type": "integer",
      "minimum": 1,
      "maximum": 1000,
      "description": "Candidates per retriever, between `k` and 1000 (default max(k, 100)); below `k` is a 400."
     },
     "vector_weight": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "default": 0.7
     },
     "metadata_weight": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "default": 0.3
     },
     "recency_boost": {
      "type": "boolean",
      "default": false
     },
     "recency_half_life_days": {
      "type": "number",
      "minimum": 1,
      "default": 30
     }
    }
   },
   "ScoreBreakdown": {
    "type": "object",
    "required": [
     "vector_score",
     "keyword_score",
     "vector_rank",
     "keyword_rank",
     "fused_score"
    ],
    "properties": {
     "vector_score": {
      "type": [
       "number",
       "null"
      ]
     },
     "keyword_score": {
      "type": [
       "number",
       "null"
      ]
     },
     "vector_rank": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 1
     },
     "keyword_rank": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 1
     },
     "fused_score": {
      "type": [
       "number",
       "null"
      ]
     },
     "vector_distance": {
      "type": [
       "number",
       "null"
      ]
     },
     "relevance": {
      "type": [
       "number",
       "null"
      ]
     },
     "metadata_score": {
      "type": [
       "number",
       "null"
      ]
     },
     "hybrid_score": {
      "type": [
       "number",
       "null"
      ]
     },
     "vector_weight": {
      "type": "number"
     },
     "metadata_weight": {
      "type": "number"
     },
     "recency_boost": {
      "type": [
       "number",
       "null"
      ]
     }
    },
    "description": "How each retriever ranked and scored the chunk (null where it did not find it). With the original scoring the breakdown adds `vector_distance`, `relevance`, `metadata_score`, `hybrid_score`, `vector_weight`, `metadata_weight` and `recency_boost`."
   },
   "HybridSearchResult": {
    "allOf": [
     {
      "$ref": "#/components/schemas/SearchResult"
     },
     {
      "type": "object",
      "required": [
       "score_breakdown"
      ],
      "properties": {
       "score_breakdown": {
        "$ref": "#/components/schemas/ScoreBreakdown"
       }
      }
     }
    ]
   },
   "HybridSearchResponse": {
    "type": "object",
    "required": [
     "results",
     "total",
     "query_time_ms",
     "alpha",
     "fusion"
    ],
    "properties": {
     "results": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/HybridSearchResult"
      }
     },
     "total": {
      "type": "integer",
      "minimum": 0
     },
     "query_time_ms": {
      "type": "number",
      "minimum": 0
     },
     "alpha": {
      "type": "number"
     },
     "fusion": {
      "type": "string",
      "enum": [
       "rrf",
       "weighted",
       "dbsf"
      ]
     },
     "total_results": {
      "type": "integer",
      "minimum": 0
     },
     "scoring_config": {
      "type": "object",
      "properties": {
       "vector_weight": {
        "type": "number"
       },
       "metadata_weight": {
        "type": "number"
       },
       "recency_boost": {
        "type": "boolean"
       },
       "recency_half_life_days": {
        "type": "number"
       },
       "alpha": {
        "type": "number"
       },
       "fusion": {
        "type": "string",
        "enum": [
         "rrf",
         "weighted",
         "dbsf"
        ]
       }
      }
     }
    }
   },
   "RerankSearchRequest": {
    "type": "object",
    "description": "Semantic search for `candidates` chunks, reordered by `method`; `rerank_params` must fit the method (see the variants). `cohere` needs COHERE_API_KEY on the server (else 400 `reranker_unavailable`).",
    "required": [
     "query"
    ],
    "properties": {
     "query": {
      "type": "string",
      "minLength": 1,
      "maxLength": 10000,
      "description": "Query text, embedded by the server (1 to MAX_TEXT_LENGTH_PER_CHUNK characters)."
     },
     "query_vector": {
      "$ref": "#/components/schemas/Vector",
      "description": "Used instead of embedding `query`."
     },
     "k": {
      "type": "integer",
      "minimum": 1,
      "maximum": 100,
      "default": 10,
      "description": "Results wanted: 1 to MAX_SEARCH_RESULTS (100 by default); more is a 400 `limit_exceeded`."
     },
     "filter": {
      "$ref": "#/components/schemas/Filter"
     },
     "distance_threshold": {
      "type": "number",
      "description": "Keeps results with `distance` ≤ it."
     },
     "include_embeddings": {
      "type": "boolean",
      "default": false
     },
     "candidates": {
      "type": "integer",
      "minimum": 1,
      "maximum": 1000,
      "description": "Semantic candidates reranked, between `k` and 1000 (default min(3k, 300), at least k)."
     },
     "method": {
      "type": "string",
      "enum": [
       "bm25",
       "mmr",
       "cohere",
       "recency",
       "position",
       "length"
      ],
      "default": "recency"
     },
     "rerank_function": {
      "type": "string",
      "enum": [
       "bm25",
       "mmr",
       "cohere",
       "recency",
       "position",
       "length"
      ],
      "deprecated": true,
      "description": "The original arrwDB's name for `method` (wins when both are given)."
     },
     "rerank_params": {
      "type": "object"
     }
    },
    "anyOf": [
     {
      "title": "recency (the default)",
      "properties": {
       "method": {
        "const": "recency"
       },
       "rerank_params": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "half_life_days": {
          "type": "number",
          "exclusiveMinimum": 0,
          "default": 30
         }
        }
       }
      }
     },
     {
      "title": "bm25",
      "required": [
       "method"
      ],
      "properties": {
       "method": {
        "const": "bm25"
       },
       "rerank_params": {
        "type": "object",
        "maxProperties": 0
       }
      }
     },
     {
      "title": "mmr",
      "required": [
       "method"
      ],
      "properties": {
       "method": {
        "const": "mmr"
       },
       "rerank_params": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "lambda": {
          "type": "number",
          "minimum": 0,
          "maximum": 1,
          "default": 0.5
         }
        }
       }
      }
     },
     {
      "title": "cohere",
      "required": [
       "method"
      ],
      "properties": {
       "method": {
        "const": "cohere"
       },
       "rerank_params": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "model": {
          "type": "string",
          "minLength": 1,
          "maxLength": 200,
          "default": "rerank-v3.5"
         }
        }
       }
      }
     },
     {
      "title": "position",
      "required": [
       "method"
      ],
      "properties": {
       "method": {
        "const": "position"
       },
       "rerank_params": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "prefer_early": {
          "type": "boolean",
          "default": true
         }
        }
       }
      }
     },
     {
      "title": "length",
      "required": [
       "method"
      ],
      "properties": {
       "method": {
        "const": "length"
       },
       "rerank_params": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "prefer_longer": {
          "type": "boolean",
          "default": true
         }
        }
       }
      }
     }
    ]
   },
   "RerankSearchResponse": {
    "type": "object",
    "required": [
     "results",
     "total",
     "total_results",
     "query_time_ms",
     "rerank_function",
     "rerank_params"
    ],
    "properties": {
     "results": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/SearchResult"
      },
      "description": "Best first; `score` is the method's score."
     },
     "total": {
      "type": "integer",
      "minimum": 0
     },
     "total_results": {
      "type": "integer",
      "minimum": 0
     },
     "query_time_ms": {
      "type": "number",
      "minimum": 0
     },
     "rerank_function": {
      "type": "string",
      "enum": [
       "bm25",
       "mmr",
       "cohere",
       "recency",
       "position",
       "length"
      ]
     },
     "rerank_params": {
      "type": "object",
      "description": "The parameters the method ran with, defaults filled in.",
      "additionalProperties": true
     }
    }
   },
   "EventType": {
    "type": "string",
    "enum": [
     "library.created",
     "library.updated",
     "library.deleted",
     "document.added",
     "document.updated",
     "document.deleted",
     "search.performed",
     "job.created",
     "job.started",
     "job.progress",
     "job.completed",
     "job.failed",
     "job.cancelled"
    ]
   },
   "Event": {
    "type": "object",
    "required": [
     "sequence",
     "type",
     "library_id",
     "timestamp",
     "data"
    ],
    "properties": {
     "sequence": {
      "type": "integer",
      "minimum": 0,
      "description": "A change's WAL sequence (strictly increasing, durable); a `search.performed` carries the last change's sequence."
     },
     "type": {
      "$ref": "#/components/schemas/EventType"
     },
     "library_id": {
      "type": [
       "string",
       "null"
      ],
      "format": "uuid",
      "description": "null for server-wide events."
     },
     "timestamp": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds."
     },
     "data": {
      "type": "object",
      "additionalProperties": true
     }
    }
   },
   "EventStats": {
    "type": "object",
    "required": [
     "total_published",
     "total_delivered",
     "active_subscribers",
     "queue_size",
     "last_sequence"
    ],
    "properties": {
     "total_published": {
      "type": "integer",
      "minimum": 0
     },
     "total_delivered": {
      "type": "integer",
      "minimum": 0
     },
     "active_subscribers": {
      "type": "integer",
      "minimum": 0
     },
     "queue_size": {
      "type": "integer",
      "minimum": 0
     },
     "last_sequence": {
      "type": "integer",
      "minimum": 0
     },
     "subscriber_count": {
      "type": "integer",
      "minimum": 0,
      "description": "`active_subscribers`, as the original arrwDB named it."
     },
     "total_errors": {
      "type": "integer",
      "minimum": 0,
      "description": "Subscribers dropped for reading too slowly."
     },
     "pending_events": {
      "type": "integer",
      "minimum": 0,
      "description": "`queue_size`, as the original arrwDB named it."
     },
     "running": {
      "type": "boolean",
      "description": "Always true while the server answers."
     }
    }
   },
   "ServerSentEvent": {
    "type": "object",
    "description": "One SSE frame: `id: <sequence>` (not for `search.performed`), `event: <type>`, `data: <Event JSON>`. A subscriber too slow to read gets a last `event: error` frame whose data is an error envelope (`subscriber_too_slow`) and is disconnected. The stream opens with `retry: 1000` and sends `: keep-alive` comments when idle.",
    "required": [
     "event",
     "data"
    ],
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^[0-9]+$"
     },
     "event": {
      "type": "string",
      "enum": [
       "library.created",
       "library.updated",
       "library.deleted",
       "document.added",
       "document.updated",
       "document.deleted",
       "search.performed",
       "job.created",
       "job.started",
       "job.progress",
       "job.completed",
       "job.failed",
       "job.cancelled",
       "error"
      ]
     },
     "retry": {
      "type": "integer"
     },
     "data": {
      "type": "string",
      "contentMediaType": "application/json",
      "contentSchema": {
       "anyOf": [
        {
         "$ref": "#/components/schemas/Event"
        },
        {
         "$ref": "#/components/schemas/ErrorEnvelope"
        }
       ]
      }
     }
    }
   },
   "JobType": {
    "type": "string",
    "enum": [
     "batch_import",
     "index_rebuild",
     "index_optimize",
     "regenerate_embeddings",
     "batch_delete",
     "batch_export"
    ]
   },
   "JobStatus": {
    "type": "string",
    "enum": [
     "pending",
     "running",
     "completed",
     "failed",
     "cancelled"
    ]
   },
   "JobSubmission": {
    "type": "object",
    "description": "A job's input; `library_id` names the library. Per type: `batch_import` `documents` (a non-empty array of documents in any input form; a bad one is reported in the result); `batch_delete` exactly one of `document_ids` (non-empty) and `filter`; `index_rebuild` optional `index_type`, `index_params` or `index_config` (as PATCH and `.../index/rebuild` take them; none rebuilds the current index); `batch_export` optional `include_embeddings` (default true); `regenerate_embeddings` optional `embedding_model` (a provider's name or a model only one provider serves: the library moves to it, its old vectors answering searches until the swap; none re-embeds with the library's own provider); `index_optimize` nothing else. Fields another type takes are ignored.",
    "required": [
     "library_id"
    ],
    "properties": {
     "library_id": {
      "type": "string",
      "format": "uuid"
     },
     "documents": {
      "type": "array",
      "minItems": 1,
      "items": {
       "$ref": "#/components/schemas/DocumentCreate"
      }
     },
     "document_ids": {
      "type": "array",
      "minItems": 1,
      "items": {
       "type": "string"
      }
     },
     "filter": {
      "$ref": "#/components/schemas/Filter"
     },
     "index_type": {
      "$ref": "#/components/schemas/IndexType"
     },
     "index_params": {
      "$ref": "#/components/schemas/IndexParams"
     },
     "index_config": {
      "type": "object",
      "description": "The original arrwDB's spelling of `index_params`."
     },
     "include_embeddings": {
      "type": "boolean",
      "default": true
     },
     "embedding_model": {
      "type": "string",
      "description": "`regenerate_embeddings`: the provider (or model) to move the library to."
     }
    }
   },
   "JobSubmitted": {
    "type": "object",
    "required": [
     "job_id",
     "status"
    ],
    "properties": {
     "job_id": {
      "type": "string",
      "format": "uuid"
     },
     "status": {
      "$ref": "#/components/schemas/JobStatus"
     },
     "message": {
      "type": "string",
      "description": "Only for the original arrwDB's hyphenated type names (answer 200)."
     }
    }
   },
   "Job": {
    "type": "object",
    "required": [
     "job_id",
     "type",
     "job_type",
     "library_id",
     "status",
     "progress",
     "progress_detail",
     "result",
     "error",
     "attempts",
     "max_retries",
     "created_at",
     "started_at",
     "completed_at"
    ],
    "properties": {
     "job_id": {
      "type": "string",
      "format": "uuid"
     },
     "type": {
      "$ref": "#/components/schemas/JobType"
     },
     "job_type": {
      "$ref": "#/components/schemas/JobType",
      "description": "The original arrwDB's name for `type`."
     },
     "library_id": {
      "type": [
       "string",
       "null"
      ],
      "format": "uuid"
     },
     "status": {
      "$ref": "#/components/schemas/JobStatus"
     },
     "progress": {
      "type": "integer",
      "minimum": 0,
      "maximum": 100
     },
     "progress_detail": {
      "type": "object",
      "required": [
       "current",
       "total",
       "message"
      ],
      "properties": {
       "current": {
        "type": "integer",
        "minimum": 0
       },
       "total": {
        "type": "integer",
        "minimum": 0
       },
       "message": {
        "type": "string"
       }
      }
     },
     "result": {
      "description": "The job's result once completed (per type: batch_import `total`, `imported`, `failed`, `errors`; batch_delete counts; index_rebuild `old_index_type`, `new_index_type`, …; batch_export `documents`, `bytes`, `download`, `expires_at`; regenerate_embeddings `total_chunks`, `regenerated`, `model`, `provider`, and for a move `previous_model`, `dimension`), its last checkpoint when cancelled while running, else null."
     },
     "error": {
      "type": [
       "string",
       "null"
      ]
     },
     "attempts": {
      "type": "integer",
      "minimum": 0
     },
     "max_retries": {
      "type": "integer",
      "minimum": 0
     },
     "created_at": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds."
     },
     "started_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "completed_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     }
    }
   },
   "JobList": {
    "type": "object",
    "required": [
     "jobs",
     "total",
     "next_cursor"
    ],
    "properties": {
     "jobs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Job"
      },
      "description": "Newest first."
     },
     "total": {
      "type": "integer",
      "minimum": 0,
      "description": "Every job the filters match."
     },
     "next_cursor": {
      "type": [
       "string",
       "null"
      ],
      "description": "The last job id of this page, to pass as `cursor`; null on the last page."
     }
    }
   },
   "JobQueueStats": {
    "type": "object",
    "required": [
     "total_jobs",
     "completed_jobs",
     "failed_jobs",
     "cancelled_jobs",
     "pending_jobs",
     "running_jobs",
     "queue_size",
     "num_workers",
     "running"
    ],
    "properties": {
     "total_jobs": {
      "type": "integer",
      "minimum": 0
     },
     "completed_jobs": {
      "type": "integer",
      "minimum": 0
     },
     "failed_jobs": {
      "type": "integer",
      "minimum": 0
     },
     "cancelled_jobs": {
      "type": "integer",
      "minimum": 0
     },
     "pending_jobs": {
      "type": "integer",
      "minimum": 0
     },
     "running_jobs": {
      "type": "integer",
      "minimum": 0
     },
     "queue_size": {
      "type": "integer",
      "minimum": 0
     },
     "num_workers": {
      "type": "integer",
      "minimum": 1
     },
     "running": {
      "type": "boolean"
     }
    }
   },
   "ExportLine": {
    "type": "object",
    "description": "One line of a `batch_export` file: a document in the `chunks` input form, which `batch_import` and `documents/stream` read back unchanged.",
    "required": [
     "id",
     "title",
     "metadata",
     "chunks"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "metadata": {
      "type": "object",
      "additionalProperties": true
     },
     "chunks": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "id",
        "text",
        "metadata"
       ],
       "properties": {
        "id": {
         "type": "string"
        },
        "text": {
         "type": "string"
        },
        "metadata": {
         "type": "object",
         "additionalProperties": true
        },
        "embedding": {
         "type": "array",
         "items": {
          "type": "number"
         }
        }
       }
      }
     }
    }
   },
   "WebSocketRequest": {
    "type": "object",
    "description": "A client message (a text frame holding JSON; at most 16 MiB). `data` per action: `search` a SearchRequest (`query` or `query_text`, or `query_vector`; `mode`: `semantic` (default) or `hybrid`, which takes the HybridSearchRequest fields); `add` a DocumentCreate; `delete` `{document_id}`; `get` `{document_id, include_embeddings?}`; `subscribe` `{event_types?: [EventType], since?: sequence}`; `unsubscribe` and `ping` nothing.",
    "required": [
     "action"
    ],
    "properties": {
     "request_id": {
      "description": "Any JSON value; echoed as sent."
     },
     "action": {
      "type": "string",
      "enum": [
       "search",
       "add",
       "delete",
       "get",
       "subscribe",
       "unsubscribe",
       "ping"
      ]
     },
     "data": {
      "type": "object",
      "additionalProperties": true,
      "default": {}
     }
    }
   },
   "WebSocketReply": {
    "type": "object",
    "description": "The answer to each request, in order. `data` per action: `search` a SearchResponse (HybridSearchResponse with `mode: hybrid`); `add` and `get` a Document; `delete` `{document_id, deleted: true}`; `subscribe` `{subscribed: true, event_types, last_sequence}`; `unsubscribe` `{unsubscribed}`; `ping` `{pong: true, timestamp}`.",
    "required": [
     "request_id",
     "success",
     "data",
     "error"
    ],
    "properties": {
     "request_id": {
      "description": "As the request sent it (null when it sent none or was not JSON)."
     },
     "success": {
      "type": "boolean"
     },
     "data": {
      "description": "The action's answer; null on failure."
     },
     "error": {
      "anyOf": [
       {
        "$ref": "#/components/schemas/ErrorBody"
       },
       {
        "type": "null"
       }
      ]
     }
    }
   },
   "WebSocketEventMessage": {
    "type": "object",
    "description": "After `subscribe`: one message per event of the library; if the subscription overflows, a last `{\"type\": \"subscription_ended\", \"error\": {...subscriber_too_slow}}`.",
    "required": [
     "type"
    ],
    "properties": {
     "type": {
      "type": "string",
      "enum": [
       "event",
       "subscription_ended"
      ]
     },
     "event": {
      "$ref": "#/components/schemas/Event"
     },
     "error": {
      "$ref": "#/components/schemas/ErrorBody"
     }
    }
   }
  },
  "parameters": {
   "LibraryId": {
    "name": "id",
    "in": "path",
    "required": true,
    "description": "The library's id (a UUID; anything else is a 404 `library_not_found`).",
    "schema": {
     "type": "string",
     "format": "uuid"
    },
    "example": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93"
   },
   "DocumentIdPath": {
    "name": "doc",
    "in": "path",
    "required": true,
    "description": "The document's id.",
    "schema": {
     "$ref": "#/components/schemas/DocumentId"
    },
    "example": "doc-001"
   },
   "JobId": {
    "name": "job",
    "in": "path",
    "required": true,
    "description": "The job's id (a UUID; anything else is a 404 `job_not_found`).",
    "schema": {
     "type": "string",
     "format": "uuid"
    },
    "example": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93"
   },
   "IncludeEmbeddings": {
    "name": "include_embeddings",
    "in": "query",
    "required": false,
    "description": "Include each chunk's `embedding` (`true`/`false`/`1`/`0`; anything else is a 400).",
    "schema": {
     "type": "boolean",
     "default": false
    }
   },
   "AcceptNDJSON": {
    "name": "Accept",
    "in": "header",
    "required": false,
    "description": "`application/x-ndjson` asks for a streamed NDJSON answer; anything else gets the JSON body.",
    "schema": {
     "type": "string",
     "enum": [
      "application/json",
      "application/x-ndjson"
     ]
    }
   }
  },
  "headers": {
   "RetryAfter": {
    "description": "Whole seconds to wait before retrying.",
    "required": true,
    "schema": {
     "type": "integer",
     "minimum": 1
    }
   }
  },
  "responses": {
   "BadRequest": {
    "description": "Invalid input: `invalid_json` (empty or malformed body), `validation_error`, `invalid_filter`, `unknown_filter_operator`, `dimension_mismatch` or `limit_exceeded`; `details.field` names the field.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      },
      "example": {
       "error": {
        "code": "validation_error",
        "message": "'k' must be an integer, got 2.5",
        "details": {
         "field": "k"
        }
       }
      }
     }
    }
   },
   "Unauthorized": {
    "description": "`unauthorized`: API_KEYS is set and the request has no valid `Authorization: Bearer KEY` or `X-API-Key: KEY`.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      },
      "example": {
       "error": {
        "code": "unauthorized",
        "message": "this server needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
       }
      }
     }
    }
   },
   "NotFound": {
    "description": "Not found: `library_not_found`, `document_not_found`, `job_not_found`, or `not_found` for a path (or method) no route serves.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      },
      "example": {
       "error": {
        "code": "library_not_found",
        "message": "library '3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93' does not exist",
        "details": {
         "library_id": "3f2b8c1e-6d4a-4b7e-9a51-2c8d0e7f1a93"
        }
       }
      }
     }
    }
   },
   "Conflict": {
    "description": "Conflict with the current state.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      }
     }
    }
   },
   "Gone": {
    "description": "No longer kept: `resume_point_expired` or `export_expired`.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      }
     }
    }
   },
   "PayloadTooLarge": {
    "description": "`payload_too_large`: the body is larger than MAX_REQUEST_BODY_BYTES (32 MiB by default).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      }
     }
    }
   },
   "TooManyRequests": {
    "description": "`rate_limited` (RATE_LIMIT_ENABLED and the client spent RATE_LIMIT_PER_MINUTE), `job_queue_full` or `rerank_rate_limited`; `Retry-After` says when to retry.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      }
     }
    },
    "headers": {
     "Retry-After": {
      "$ref": "#/components/headers/RetryAfter"
     }
    }
   },
   "InternalError": {
    "description": "`internal_error` (or `recovery_failed`): something failed that should not have; the server log holds the details.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      }
     }
    }
   },
   "BadGateway": {
    "description": "The remote embedding provider answered wrongly: `embedding_credentials_rejected`, `embedding_model_unknown` or `embedding_invalid` (not one vector of the model's length per text). Nothing was stored.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      }
     }
    }
   },
   "ServiceUnavailable": {
    "description": "A dependency is unavailable: `storage_unavailable` (a change could not be made durable), `embedding_failed`, …",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ErrorEnvelope"
      }
     }
    }
   }
  },
  "securitySchemes": {
   "bearerAuth": {
    "type": "http",
    "scheme": "bearer",
    "description": "`Authorization: Bearer <key>`, one of API_KEYS."
   },
   "apiKeyAuth": {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-Key",
    "description": "`X-API-Key: <key>`, one of API_KEYS."
   }
  }
 }
}
"""#
}
