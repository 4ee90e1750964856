/// The queue's schema, one versioned migration at a time. Never edit a released migration;
/// add a new one.
enum WorkflowMigrations {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static func all(for schema: WorkflowQueueSchema) -> [Migration] {
        [Migration(version: 1, name: "workflow runs and worker functions", sql: version1(schema))]
    }

    /// Columns a claim hands to the worker, in order.
    static let claimedColumns = """
        r.run_id, r.workflow_id, r.workflow_type, r.task_queue, r.input, r.attempt, r.max_attempts,
        extract(epoch FROM r.start_to_close_timeout)::double precision,
        extract(epoch FROM r.heartbeat_timeout)::double precision,
        extract(epoch FROM r.retry_initial_interval)::double precision,
        r.retry_backoff_coefficient,
        extract(epoch FROM r.retry_maximum_interval)::double precision,
        r.progress, r.retry_non_retryable_error_types
        """

    private static func version1(_ schema: WorkflowQueueSchema) -> String {
        let runs = schema.runsTable
        let doneChannel = "'\(schema.doneChannel)'"
        return """
            CREATE TABLE \(runs) (
                run_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                seq bigint GENERATED ALWAYS AS IDENTITY,
                workflow_id text NOT NULL,
                workflow_type text NOT NULL,
                task_queue text NOT NULL,
                input jsonb NOT NULL,
                status text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'completed', 'failed', 'canceled', 'timed_out')),
                attempt integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL CHECK (max_attempts >= 0),
                retry_initial_interval interval NOT NULL,
                retry_backoff_coefficient double precision NOT NULL,
                retry_maximum_interval interval NOT NULL,
                retry_non_retryable_error_types text[] NOT NULL DEFAULT '{}',
                start_to_close_timeout interval NOT NULL,
                heartbeat_timeout interval NOT NULL,
                scheduled_at timestamptz NOT NULL DEFAULT now(),
                created_at timestamptz NOT NULL DEFAULT now(),
                started_at timestamptz,
                finished_at timestamptz,
                heartbeat_at timestamptz,
                lease_expires_at timestamptz,
                worker_id text,
                progress jsonb,
                result jsonb,
                last_error jsonb,
                cancel_requested boolean NOT NULL DEFAULT false,
                -- Set by result waiters: only these runs NOTIFY when they finish, because every
                -- NOTIFY wakes every listening backend of the database.
                notify_on_finish boolean NOT NULL DEFAULT false
            );
            -- Temporal's default id reuse policy: one open run per workflow id.
            CREATE UNIQUE INDEX workflow_runs_open_id ON \(runs) (workflow_id) WHERE status IN ('queued', 'running');
            CREATE INDEX workflow_runs_ready ON \(runs) (task_queue, scheduled_at) WHERE status = 'queued';
            -- Only running rows hold a lease. The predicate is deliberately not "status = 'running'": the
            -- worker's fenced updates filter on that status and must use the primary key, not this index.
            CREATE INDEX workflow_runs_lease ON \(runs) (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
            -- Finished runs only: the open run of an id is found through workflow_runs_open_id, so a
            -- claim (queued -> running) adds no entry here.
            CREATE INDEX workflow_runs_latest ON \(runs) (workflow_id, seq DESC) WHERE status NOT IN ('queued', 'running');

            -- The worker's hot path in one round trip: store finished attempts, then claim up to
            -- p_limit runs (runs with lapsed leases first when p_reclaim_lapsed, then each queue in
            -- order).
            CREATE FUNCTION \(schema.function("workflow_complete_and_claim"))(
                p_worker text, p_queues text[], p_limit integer,
                p_run_ids uuid[], p_attempts integer[], p_statuses text[], p_results text[], p_errors text[],
                p_delays double precision[], p_progress text[], p_reclaim_lapsed boolean)
            RETURNS TABLE (
                run_id uuid, workflow_id text, workflow_type text, task_queue text, input jsonb, attempt integer,
                max_attempts integer, start_to_close_seconds double precision, heartbeat_seconds double precision,
                retry_initial_seconds double precision, retry_backoff_coefficient double precision,
                retry_maximum_seconds double precision, progress jsonb, non_retryable_error_types text[])
            -- Generic plans: PL/pgSQL otherwise re-plans these statements on every call (a third of the
            -- server's time per batch). The claims select ids into an array so that the generic plan,
            -- which cannot see how small p_limit is, still updates by primary key instead of hashing the table.
            LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
            #variable_conflict use_column
            DECLARE
                v_finished text;
                v_remaining integer := p_limit;
                v_count integer;
                v_queue text;
            BEGIN
                IF cardinality(p_run_ids) > 0 THEN
                    WITH done AS (
                        UPDATE \(runs) AS r SET
                            status = u.status,
                            result = u.result::jsonb,
                            last_error = COALESCE(u.error::jsonb, r.last_error),
                            progress = COALESCE(u.progress::jsonb, r.progress),
                            finished_at = CASE WHEN u.status = 'queued' THEN NULL ELSE now() END,
                            scheduled_at = CASE WHEN u.status = 'queued' THEN now() + make_interval(secs => u.delay) ELSE r.scheduled_at END,
                            lease_expires_at = NULL,
                            worker_id = CASE WHEN u.status = 'queued' THEN NULL ELSE r.worker_id END
                        FROM unnest(p_run_ids, p_attempts, p_statuses, p_results, p_errors, p_delays, p_progress)
                            AS u(run_id, attempt, status, result, error, delay, progress)
                        WHERE r.run_id = u.run_id AND r.attempt = u.attempt AND r.worker_id = p_worker AND r.status = 'running'
                        RETURNING r.run_id, r.status, r.notify_on_finish
                    )
                    SELECT CASE WHEN count(*) > 200 THEN '*' ELSE string_agg(done.run_id::text, ',') END INTO v_finished
                    FROM done WHERE done.status <> 'queued' AND done.notify_on_finish;
                    IF v_finished IS NOT NULL THEN
                        PERFORM pg_notify(\(doneChannel), v_finished);
                    END IF;
                END IF;
                IF v_remaining > 0 AND p_reclaim_lapsed THEN
                    RETURN QUERY
                    UPDATE \(runs) AS r SET
                        attempt = r.attempt + 1, started_at = now(), heartbeat_at = now(),
                        lease_expires_at = now() + r.heartbeat_timeout, worker_id = p_worker,
                        last_error = jsonb_build_object(
                            'message', 'worker ' || COALESCE(r.worker_id, '?') || ' stopped heartbeating during attempt '
                                || r.attempt || ' (heartbeat timeout ' || r.heartbeat_timeout || '); the run was taken over',
                            'type', 'HeartbeatTimeout', 'non_retryable', false, 'attempt', r.attempt)
                    WHERE r.run_id = ANY (ARRAY(
                        SELECT c.run_id FROM \(runs) AS c
                        WHERE c.lease_expires_at < now() AND c.status = 'running' AND c.task_queue = ANY (p_queues)
                            AND (c.max_attempts = 0 OR c.attempt < c.max_attempts)
                            -- Its own lapsed runs are still running here; the next heartbeat renews them.
                            AND c.worker_id IS DISTINCT FROM p_worker
                        ORDER BY c.lease_expires_at LIMIT v_remaining FOR UPDATE SKIP LOCKED))
                    RETURNING \(claimedColumns);
                    GET DIAGNOSTICS v_count = ROW_COUNT;
                    v_remaining := v_remaining - v_count;
                END IF;
                FOREACH v_queue IN ARRAY p_queues LOOP
                    EXIT WHEN v_remaining <= 0;
                    RETURN QUERY
                    UPDATE \(runs) AS r SET
                        status = 'running', attempt = r.attempt + 1, started_at = now(), heartbeat_at = now(),
                        lease_expires_at = now() + r.heartbeat_timeout, worker_id = p_worker
                    WHERE r.run_id = ANY (ARRAY(
                        SELECT c.run_id FROM \(runs) AS c
                        WHERE c.status = 'queued' AND c.task_queue = v_queue AND c.scheduled_at <= now()
                        ORDER BY c.scheduled_at LIMIT v_remaining FOR UPDATE SKIP LOCKED))
                    RETURNING \(claimedColumns);
                    GET DIAGNOSTICS v_count = ROW_COUNT;
                    v_remaining := v_remaining - v_count;
                END LOOP;
            END
            $fn$;
            """
    }
}
