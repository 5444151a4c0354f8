// Generated types, re-exported under their proto names. `X` is what you may send (all fields
// optional); `X__Output` is what you receive (defaults filled in by the loader).
export { loadStrata, loadProtoRoot, LOADER_OPTIONS, PROTO_ROOT, PROTO_FILES } from './loader';
export { CodecCompiler } from './codec/compile';
export type { MessageCodec } from './codec/compile';
export type { StrataGrpc } from './loader';
export { statusUpdatesOf, statusUpdateAcksOf, STATUS_UPDATE_BATCH, STATUS_UPDATE_ACK_BATCH, EVENT_BATCH, CALL_BATCH } from './batches';
export type { SchedulerClient, SchedulerHandlers } from './gen/strata/v1/Scheduler';
export type { AgentServiceClient, AgentServiceHandlers } from './gen/strata/internal/v1/AgentService';
export type { Address, Address__Output } from './gen/strata/v1/Address';
export type { AgentID, AgentID__Output } from './gen/strata/v1/AgentID';
export type { AgentInfo, AgentInfo__Output } from './gen/strata/v1/AgentInfo';
export type { Attribute, Attribute__Output } from './gen/strata/v1/Attribute';
export type { Call, Call__Output } from './gen/strata/v1/Call';
export { _strata_v1_Call_Type } from './gen/strata/v1/Call';
export type { CommandInfo, CommandInfo__Output } from './gen/strata/v1/CommandInfo';
export type { ContainerInfo, ContainerInfo__Output } from './gen/strata/v1/ContainerInfo';
export { _strata_v1_ContainerInfo_DockerInfo_Network, _strata_v1_ContainerInfo_Type } from './gen/strata/v1/ContainerInfo';
export type { DurationInfo, DurationInfo__Output } from './gen/strata/v1/DurationInfo';
export type { TimeInfo, TimeInfo__Output } from './gen/strata/v1/TimeInfo';
export type { Environment, Environment__Output } from './gen/strata/v1/Environment';
export type { Event, Event__Output } from './gen/strata/v1/Event';
export { _strata_v1_Event_Type } from './gen/strata/v1/Event';
export type { ExecutorID, ExecutorID__Output } from './gen/strata/v1/ExecutorID';
export type { Filters, Filters__Output } from './gen/strata/v1/Filters';
export type { FrameworkID, FrameworkID__Output } from './gen/strata/v1/FrameworkID';
export type { FrameworkInfo, FrameworkInfo__Output } from './gen/strata/v1/FrameworkInfo';
export { _strata_v1_FrameworkInfo_Capability_Type } from './gen/strata/v1/FrameworkInfo';
export type { KillPolicy, KillPolicy__Output } from './gen/strata/v1/KillPolicy';
export type { HealthCheck, HealthCheck__Output } from './gen/strata/v1/HealthCheck';
export type { Label, Label__Output } from './gen/strata/v1/Label';
export type { Labels, Labels__Output } from './gen/strata/v1/Labels';
export type { MasterInfo, MasterInfo__Output } from './gen/strata/v1/MasterInfo';
export type { Offer, Offer__Output } from './gen/strata/v1/Offer';
export { _strata_v1_Offer_Operation_Type } from './gen/strata/v1/Offer';
export type { OfferID, OfferID__Output } from './gen/strata/v1/OfferID';
export type { Resource, Resource__Output } from './gen/strata/v1/Resource';
export { _strata_v1_Resource_ReservationInfo_Type } from './gen/strata/v1/Resource';
export type { TaskID, TaskID__Output } from './gen/strata/v1/TaskID';
export type { TaskInfo, TaskInfo__Output } from './gen/strata/v1/TaskInfo';
export type { TaskState__Output } from './gen/strata/v1/TaskState';
export { TaskState } from './gen/strata/v1/TaskState';
export type { TaskStatus, TaskStatus__Output } from './gen/strata/v1/TaskStatus';
export { _strata_v1_TaskStatus_Reason, _strata_v1_TaskStatus_Source } from './gen/strata/v1/TaskStatus';
export type { URL, URL__Output } from './gen/strata/v1/URL';
export type { Value, Value__Output } from './gen/strata/v1/Value';
export { _strata_v1_Value_Type } from './gen/strata/v1/Value';
export type { Volume, Volume__Output } from './gen/strata/v1/Volume';
export type { Secret, Secret__Output } from './gen/strata/v1/Secret';
export { _strata_v1_Volume_Mode } from './gen/strata/v1/Volume';
export type { AgentHello, AgentHello__Output } from './gen/strata/internal/v1/AgentHello';
export type { AgentMessage, AgentMessage__Output } from './gen/strata/internal/v1/AgentMessage';
export type { Heartbeat, Heartbeat__Output } from './gen/strata/internal/v1/Heartbeat';
export type { KillTask, KillTask__Output } from './gen/strata/internal/v1/KillTask';
export type { LaunchTasks, LaunchTasks__Output } from './gen/strata/internal/v1/LaunchTasks';
export type { MasterMessage, MasterMessage__Output } from './gen/strata/internal/v1/MasterMessage';
export type { RegisterAgentRequest, RegisterAgentRequest__Output } from './gen/strata/internal/v1/RegisterAgentRequest';
export type { RegisterAgentResponse, RegisterAgentResponse__Output } from './gen/strata/internal/v1/RegisterAgentResponse';
export type { ReregisterAgentRequest, ReregisterAgentRequest__Output } from './gen/strata/internal/v1/ReregisterAgentRequest';
export type { RunningTask, RunningTask__Output } from './gen/strata/internal/v1/RunningTask';
export type { ShutdownFramework, ShutdownFramework__Output } from './gen/strata/internal/v1/ShutdownFramework';
export type { FrameworkReconnected, FrameworkReconnected__Output } from './gen/strata/internal/v1/FrameworkReconnected';
export type { StatusUpdate, StatusUpdate__Output } from './gen/strata/internal/v1/StatusUpdate';
export type { StatusUpdateAck, StatusUpdateAck__Output } from './gen/strata/internal/v1/StatusUpdateAck';
export type { StatusUpdates, StatusUpdates__Output } from './gen/strata/internal/v1/StatusUpdates';
export type { StatusUpdateAcks, StatusUpdateAcks__Output } from './gen/strata/internal/v1/StatusUpdateAcks';

// Short names for the enums' value types, used all over the kernel.
import type { TaskState__Output } from './gen/strata/v1/TaskState';
import type { _strata_v1_TaskStatus_Reason__Output } from './gen/strata/v1/TaskStatus';
import type { _strata_v1_Call_Type__Output } from './gen/strata/v1/Call';
import type { _strata_v1_Event_Type__Output } from './gen/strata/v1/Event';
export type TaskStateName = TaskState__Output;
export type ReasonName = _strata_v1_TaskStatus_Reason__Output;
export type CallType = _strata_v1_Call_Type__Output;
export type EventType = _strata_v1_Event_Type__Output;

/** Terminal task states (TASK_LOST included: Mesos counts it terminal for resource accounting). */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR',
]);
export function isTerminalState(state: string): boolean {
  return TERMINAL_STATES.has(state);
}
