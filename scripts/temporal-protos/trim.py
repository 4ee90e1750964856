#!/usr/bin/env python3
"""Writes the trimmed Temporal API protos under Protos/ from a checkout of temporalio/api (issue 13).

    python3 scripts/temporal-protos/trim.py UPSTREAM_CHECKOUT COMMIT [DESCRIBE]

COMMIT is the upstream commit the checkout is at; DESCRIBE its `git describe --tags` (the nearest
release tag), both written into every file's header.

Only what a worker and a client of this project use is kept: the messages, fields, enums and RPCs
SPEC names. Everything kept is copied from upstream's text — package, message, field and enum
names, field numbers and types — so the trimmed files are wire compatible with the full API: a
field left out is skipped on decoding as an unknown field. Enums are copied whole (a value left
out would decode as UNRECOGNIZED). Upstream's comments are dropped; read them upstream.
scripts/temporal-protos/check.py compares the result with upstream field by field.
"""
import pathlib
import re
import sys

# file -> (imports, [(kind, name, fields)]); fields None = the whole block, else the field names
# to keep (nested blocks are listed as "Outer.Inner" entries of their own).
SPEC = {
    "temporal/api/enums/v1/workflow.proto": ([], [
        ("enum", "WorkflowIdReusePolicy", None),
        ("enum", "WorkflowIdConflictPolicy", None),
        ("enum", "ParentClosePolicy", None),
        ("enum", "ContinueAsNewInitiator", None),
        ("enum", "WorkflowExecutionStatus", None),
        ("enum", "HistoryEventFilterType", None),
        ("enum", "RetryState", None),
        ("enum", "TimeoutType", None),
    ]),
    "temporal/api/enums/v1/event_type.proto": ([], [("enum", "EventType", None)]),
    "temporal/api/enums/v1/command_type.proto": ([], [("enum", "CommandType", None)]),
    "temporal/api/enums/v1/failed_cause.proto": ([], [
        ("enum", "WorkflowTaskFailedCause", None),
        ("enum", "StartChildWorkflowExecutionFailedCause", None),
    ]),
    "temporal/api/enums/v1/task_queue.proto": ([], [("enum", "TaskQueueKind", None)]),
    "temporal/api/enums/v1/namespace.proto": ([], [("enum", "NamespaceState", None)]),
    "temporal/api/enums/v1/common.proto": ([], [("enum", "ApplicationErrorCategory", None)]),
    "temporal/api/common/v1/message.proto": (["google/protobuf/duration.proto"], [
        ("message", "Payloads", None),
        ("message", "Payload", ["metadata", "data"]),
        ("message", "Header", None),
        ("message", "WorkflowExecution", None),
        ("message", "WorkflowType", None),
        ("message", "ActivityType", None),
        ("message", "RetryPolicy", None),
    ]),
    "temporal/api/taskqueue/v1/message.proto": (["temporal/api/enums/v1/task_queue.proto"], [
        ("message", "TaskQueue", None),
    ]),
    "temporal/api/namespace/v1/message.proto": (["temporal/api/enums/v1/namespace.proto"], [
        ("message", "NamespaceInfo", ["name", "state", "description", "owner_email", "data", "id"]),
    ]),
    "temporal/api/failure/v1/message.proto": ([
        "temporal/api/common/v1/message.proto",
        "temporal/api/enums/v1/workflow.proto",
        "temporal/api/enums/v1/common.proto",
        "google/protobuf/duration.proto",
    ], [
        ("message", "ApplicationFailureInfo", None),
        ("message", "TimeoutFailureInfo", None),
        ("message", "CanceledFailureInfo", None),
        ("message", "TerminatedFailureInfo", None),
        ("message", "ServerFailureInfo", None),
        ("message", "ActivityFailureInfo", None),
        ("message", "ChildWorkflowExecutionFailureInfo", None),
        ("message", "Failure", [
            "message", "source", "stack_trace", "encoded_attributes", "cause",
            "application_failure_info", "timeout_failure_info", "canceled_failure_info",
            "terminated_failure_info", "server_failure_info", "activity_failure_info",
            "child_workflow_execution_failure_info",
        ]),
    ]),
    "temporal/api/workflow/v1/message.proto": ([
        "google/protobuf/duration.proto",
        "google/protobuf/timestamp.proto",
        "temporal/api/enums/v1/workflow.proto",
        "temporal/api/common/v1/message.proto",
    ], [
        ("message", "WorkflowExecutionInfo", [
            "execution", "type", "start_time", "close_time", "status", "history_length",
            "parent_namespace_id", "parent_execution", "execution_time", "task_queue",
            "state_transition_count", "history_size_bytes", "execution_duration",
            "root_execution", "first_run_id",
        ]),
    ]),
    "temporal/api/command/v1/message.proto": ([
        "google/protobuf/duration.proto",
        "temporal/api/enums/v1/workflow.proto",
        "temporal/api/enums/v1/command_type.proto",
        "temporal/api/common/v1/message.proto",
        "temporal/api/failure/v1/message.proto",
        "temporal/api/taskqueue/v1/message.proto",
    ], [
        ("message", "ScheduleActivityTaskCommandAttributes", [
            "activity_id", "activity_type", "task_queue", "header", "input",
            "schedule_to_close_timeout", "schedule_to_start_timeout", "start_to_close_timeout",
            "heartbeat_timeout", "retry_policy", "request_eager_execution",
        ]),
        ("message", "CompleteWorkflowExecutionCommandAttributes", None),
        ("message", "FailWorkflowExecutionCommandAttributes", None),
        ("message", "CancelWorkflowExecutionCommandAttributes", None),
        ("message", "StartChildWorkflowExecutionCommandAttributes", [
            "workflow_id", "workflow_type", "task_queue", "input", "workflow_execution_timeout",
            "workflow_run_timeout", "workflow_task_timeout", "parent_close_policy",
            "workflow_id_reuse_policy", "retry_policy", "header",
        ]),
        ("message", "Command", [
            "command_type", "schedule_activity_task_command_attributes",
            "complete_workflow_execution_command_attributes",
            "fail_workflow_execution_command_attributes",
            "cancel_workflow_execution_command_attributes",
            "start_child_workflow_execution_command_attributes",
        ]),
    ]),
    "temporal/api/history/v1/message.proto": ([
        "google/protobuf/duration.proto",
        "google/protobuf/timestamp.proto",
        "temporal/api/enums/v1/event_type.proto",
        "temporal/api/enums/v1/failed_cause.proto",
        "temporal/api/enums/v1/workflow.proto",
        "temporal/api/common/v1/message.proto",
        "temporal/api/failure/v1/message.proto",
        "temporal/api/taskqueue/v1/message.proto",
    ], [
        ("message", "WorkflowExecutionStartedEventAttributes", [
            "workflow_type", "parent_workflow_namespace", "parent_workflow_namespace_id",
            "parent_workflow_execution", "parent_initiated_event_id", "task_queue", "input",
            "workflow_execution_timeout", "workflow_run_timeout", "workflow_task_timeout",
            "continued_execution_run_id", "initiator", "continued_failure",
            "last_completion_result", "original_execution_run_id", "identity",
            "first_execution_run_id", "retry_policy", "attempt",
            "workflow_execution_expiration_time", "cron_schedule", "first_workflow_task_backoff",
            "header", "parent_initiated_event_version", "workflow_id", "root_workflow_execution",
        ]),
        ("message", "WorkflowExecutionCompletedEventAttributes", None),
        ("message", "WorkflowExecutionFailedEventAttributes", None),
        ("message", "WorkflowExecutionTimedOutEventAttributes", None),
        ("message", "WorkflowTaskScheduledEventAttributes", None),
        ("message", "WorkflowTaskStartedEventAttributes", [
            "scheduled_event_id", "identity", "request_id", "suggest_continue_as_new",
            "history_size_bytes",
        ]),
        ("message", "WorkflowTaskCompletedEventAttributes", ["scheduled_event_id", "started_event_id", "identity"]),
        ("message", "WorkflowTaskTimedOutEventAttributes", None),
        ("message", "WorkflowTaskFailedEventAttributes", [
            "scheduled_event_id", "started_event_id", "cause", "failure", "identity",
            "base_run_id", "new_run_id", "fork_event_version",
        ]),
        ("message", "ActivityTaskScheduledEventAttributes", [
            "activity_id", "activity_type", "task_queue", "header", "input",
            "schedule_to_close_timeout", "schedule_to_start_timeout", "start_to_close_timeout",
            "heartbeat_timeout", "workflow_task_completed_event_id", "retry_policy",
        ]),
        ("message", "ActivityTaskStartedEventAttributes", ["scheduled_event_id", "identity", "request_id", "attempt", "last_failure"]),
        ("message", "ActivityTaskCompletedEventAttributes", ["result", "scheduled_event_id", "started_event_id", "identity"]),
        ("message", "ActivityTaskFailedEventAttributes", ["failure", "scheduled_event_id", "started_event_id", "identity", "retry_state"]),
        ("message", "ActivityTaskTimedOutEventAttributes", None),
        ("message", "ActivityTaskCanceledEventAttributes", [
            "details", "latest_cancel_requested_event_id", "scheduled_event_id", "started_event_id", "identity",
        ]),
        ("message", "WorkflowExecutionTerminatedEventAttributes", None),
        ("message", "WorkflowExecutionCancelRequestedEventAttributes", None),
        ("message", "WorkflowExecutionCanceledEventAttributes", None),
        ("message", "StartChildWorkflowExecutionInitiatedEventAttributes", [
            "namespace", "namespace_id", "workflow_id", "workflow_type", "task_queue", "input",
            "workflow_execution_timeout", "workflow_run_timeout", "workflow_task_timeout",
            "parent_close_policy", "workflow_task_completed_event_id", "workflow_id_reuse_policy",
            "retry_policy", "header",
        ]),
        ("message", "StartChildWorkflowExecutionFailedEventAttributes", [
            "namespace", "namespace_id", "workflow_id", "workflow_type", "cause",
            "initiated_event_id", "workflow_task_completed_event_id",
        ]),
        ("message", "ChildWorkflowExecutionStartedEventAttributes", None),
        ("message", "ChildWorkflowExecutionCompletedEventAttributes", None),
        ("message", "ChildWorkflowExecutionFailedEventAttributes", None),
        ("message", "HistoryEvent", [
            "event_id", "event_time", "event_type", "version", "task_id", "worker_may_ignore",
            "workflow_execution_started_event_attributes",
            "workflow_execution_completed_event_attributes",
            "workflow_execution_failed_event_attributes",
            "workflow_execution_timed_out_event_attributes",
            "workflow_task_scheduled_event_attributes",
            "workflow_task_started_event_attributes",
            "workflow_task_completed_event_attributes",
            "workflow_task_timed_out_event_attributes",
            "workflow_task_failed_event_attributes",
            "activity_task_scheduled_event_attributes",
            "activity_task_started_event_attributes",
            "activity_task_completed_event_attributes",
            "activity_task_failed_event_attributes",
            "activity_task_timed_out_event_attributes",
            "activity_task_canceled_event_attributes",
            "workflow_execution_terminated_event_attributes",
            "workflow_execution_cancel_requested_event_attributes",
            "workflow_execution_canceled_event_attributes",
            "start_child_workflow_execution_initiated_event_attributes",
            "start_child_workflow_execution_failed_event_attributes",
            "child_workflow_execution_started_event_attributes",
            "child_workflow_execution_completed_event_attributes",
            "child_workflow_execution_failed_event_attributes",
        ]),
        ("message", "History", None),
    ]),
    "temporal/api/workflowservice/v1/request_response.proto": ([
        "google/protobuf/duration.proto",
        "google/protobuf/timestamp.proto",
        "temporal/api/enums/v1/workflow.proto",
        "temporal/api/enums/v1/failed_cause.proto",
        "temporal/api/common/v1/message.proto",
        "temporal/api/command/v1/message.proto",
        "temporal/api/failure/v1/message.proto",
        "temporal/api/history/v1/message.proto",
        "temporal/api/namespace/v1/message.proto",
        "temporal/api/taskqueue/v1/message.proto",
        "temporal/api/workflow/v1/message.proto",
    ], [
        ("message", "DescribeNamespaceRequest", None),
        ("message", "DescribeNamespaceResponse", ["namespace_info", "failover_version", "is_global_namespace"]),
        ("message", "StartWorkflowExecutionRequest", [
            "namespace", "workflow_id", "workflow_type", "task_queue", "input",
            "workflow_execution_timeout", "workflow_run_timeout", "workflow_task_timeout",
            "identity", "request_id", "workflow_id_reuse_policy", "workflow_id_conflict_policy",
            "retry_policy", "cron_schedule", "header", "workflow_start_delay",
        ]),
        ("message", "StartWorkflowExecutionResponse", ["run_id", "started", "status"]),
        ("message", "DescribeWorkflowExecutionRequest", None),
        ("message", "DescribeWorkflowExecutionResponse", ["workflow_execution_info"]),
        ("message", "GetWorkflowExecutionHistoryRequest", None),
        ("message", "GetWorkflowExecutionHistoryResponse", ["history", "next_page_token", "archived"]),
        ("message", "ListWorkflowExecutionsRequest", None),
        ("message", "ListWorkflowExecutionsResponse", None),
        ("message", "RequestCancelWorkflowExecutionRequest", [
            "namespace", "workflow_execution", "identity", "request_id", "first_execution_run_id", "reason",
        ]),
        ("message", "RequestCancelWorkflowExecutionResponse", None),
        ("message", "PollWorkflowTaskQueueRequest", ["namespace", "task_queue", "identity"]),
        ("message", "PollWorkflowTaskQueueResponse", [
            "task_token", "workflow_execution", "workflow_type", "previous_started_event_id",
            "started_event_id", "attempt", "backlog_count_hint", "history", "next_page_token",
            "workflow_execution_task_queue", "scheduled_time", "started_time",
        ]),
        ("message", "RespondWorkflowTaskCompletedRequest", [
            "task_token", "commands", "identity", "return_new_workflow_task",
            "force_create_new_workflow_task", "namespace",
        ]),
        ("message", "RespondWorkflowTaskCompletedResponse", ["workflow_task", "reset_history_event_id"]),
        ("message", "RespondWorkflowTaskFailedRequest", ["task_token", "cause", "failure", "identity", "namespace"]),
        ("message", "RespondWorkflowTaskFailedResponse", None),
        ("message", "PollActivityTaskQueueRequest", ["namespace", "task_queue", "identity"]),
        ("message", "PollActivityTaskQueueResponse", [
            "task_token", "workflow_namespace", "workflow_type", "workflow_execution",
            "activity_type", "activity_id", "header", "input", "heartbeat_details",
            "scheduled_time", "current_attempt_scheduled_time", "started_time", "attempt",
            "schedule_to_close_timeout", "start_to_close_timeout", "heartbeat_timeout",
            "retry_policy",
        ]),
        ("message", "RecordActivityTaskHeartbeatRequest", ["task_token", "details", "identity", "namespace"]),
        ("message", "RecordActivityTaskHeartbeatResponse", None),
        ("message", "RespondActivityTaskCompletedRequest", ["task_token", "result", "identity", "namespace"]),
        ("message", "RespondActivityTaskCompletedResponse", None),
        ("message", "RespondActivityTaskFailedRequest", [
            "task_token", "failure", "identity", "namespace", "last_heartbeat_details",
        ]),
        ("message", "RespondActivityTaskFailedResponse", None),
    ]),
}

RPCS = [
    "DescribeNamespace", "StartWorkflowExecution", "DescribeWorkflowExecution",
    "GetWorkflowExecutionHistory", "ListWorkflowExecutions", "RequestCancelWorkflowExecution",
    "PollWorkflowTaskQueue", "RespondWorkflowTaskCompleted", "RespondWorkflowTaskFailed",
    "PollActivityTaskQueue", "RecordActivityTaskHeartbeat", "RespondActivityTaskCompleted",
    "RespondActivityTaskFailed",
]


def header(path, commit, describe, extra):
    return "\n".join([
        "// Trimmed from temporalio/api (MIT, see Protos/temporal/LICENSE) at commit",
        f"// {commit}{describe}, file {path},",
        "// by scripts/temporal-protos/trim.py.",
        "// Packages, names, types and field numbers are upstream's, so this is wire compatible with",
        "// the full API; fields and messages left out are skipped as unknown fields when decoding.",
        *extra,
        "",
    ])


def without_comments(text):
    # Line comments only: upstream's .proto files use no block comments.
    lines = [re.sub(r"\s*//.*$", "", line) for line in text.splitlines()]
    return "\n".join(line for line in lines if line.strip())


def block(source, kind, name):
    match = re.search(r"^(\s*)%s %s \{" % (kind, re.escape(name)), source, re.M)
    if not match:
        sys.exit(f"trim: {kind} {name} not found upstream")
    depth = 0
    for j in range(match.end() - 1, len(source)):
        if source[j] == "{":
            depth += 1
        elif source[j] == "}":
            depth -= 1
            if depth == 0:
                return source[match.start():j + 1]
    sys.exit(f"trim: {kind} {name} is not closed")


def keep_fields(text, name, fields):
    """The block with only the named fields; nested messages and enums are dropped."""
    out, depth, skipping, seen = [], 0, 0, set()
    for line in text.splitlines():
        stripped = line.strip()
        opens, closes = stripped.count("{"), stripped.count("}")
        if skipping:
            skipping += opens - closes
            continue
        if depth == 1 and re.match(r"(message|enum) \w+ \{", stripped):
            skipping = opens - closes
            continue
        if depth == 0 or re.match(r"oneof \w+ \{", stripped) or stripped == "}":
            out.append(line)
        elif stripped.startswith("reserved"):
            out.append(line)
        else:
            field = re.match(r"(?:repeated\s+)?(?:map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*\d+", stripped)
            if not field:
                sys.exit(f"trim: cannot read line {stripped!r} of {name}")
            if field.group(1) in fields:
                out.append(line)
                seen.add(field.group(1))
        depth += opens - closes
    missing = set(fields) - seen
    if missing:
        sys.exit(f"trim: {name} has no fields {sorted(missing)} upstream")
    # An oneof whose members were all dropped would not compile.
    return re.sub(r"\n\s*oneof \w+ \{\n\s*\}", "", "\n".join(out))


def package_lines(source):
    return [line for line in source.splitlines() if re.match(r"(syntax|package|option) ", line)]


def main():
    upstream, commit = pathlib.Path(sys.argv[1]), sys.argv[2]
    describe = f" ({sys.argv[3]})" if len(sys.argv) > 3 else ""
    out = pathlib.Path(__file__).resolve().parents[2] / "Protos"
    for path, (imports, items) in SPEC.items():
        source = without_comments((upstream / path).read_text())
        parts = [header(path, commit, describe, []), *package_lines(source), ""]
        parts += [f'import "{name}";' for name in imports]
        if imports:
            parts.append("")
        for kind, name, fields in items:
            text = block(source, kind, name)
            parts += [text if fields is None else keep_fields(text, name, fields), ""]
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(parts))

    path = "temporal/api/workflowservice/v1/service.proto"
    source = without_comments((upstream / path).read_text())
    parts = [header(path, commit, describe, ["// Only the RPCs this project calls; google.api.http annotations are left out."]),
             *package_lines(source), "",
             'import "temporal/api/workflowservice/v1/request_response.proto";', "",
             "service WorkflowService {"]
    for rpc in RPCS:
        parts.append(f"    rpc {rpc} ({rpc}Request) returns ({rpc}Response) {{}}")
    parts += ["}", ""]
    (out / path).write_text("\n".join(parts))
    (out / "temporal/LICENSE").write_text((upstream / "LICENSE").read_text())


if __name__ == "__main__":
    main()
