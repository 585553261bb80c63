"""A cycle sent back for revision hundreds of times still has its open task (SpiffWorkflow's tree walk
stops at depth 1000 unless the runtime lifts that limit)."""
from __future__ import annotations

from datetime import datetime

from engine.definitions.loading import load_process
from engine.workflow.runtime import Runtime

LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="loop" name="Loop" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="任课教师"><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="work" name="Work"/>
    <bpmn:exclusiveGateway id="again" default="to_end"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="again"/>
    <bpmn:sequenceFlow id="back" sourceRef="again" targetRef="work">
      <bpmn:conditionExpression>decision == "return"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_end" sourceRef="again" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_task_returned_520_times_is_still_open_and_the_cycle_still_ends():
    runtime = Runtime()
    loaded = load_process(LOOP.encode(), "loop.bpmn", role_exists=lambda _: True, form_exists=lambda _: True)
    now = datetime(2025, 9, 26, 10, 0)
    workflow = runtime.new_workflow(loaded, {}, now)
    for _ in range(520):  # two levels a round: ~1,040 deep,: beyond SpiffWorkflow's default walk of 1,000
        (task,) = runtime.ready_user_tasks(workflow)
        runtime.complete(workflow, task, {"decision": "return"}, now)
    assert not workflow.is_completed()
    (task,) = runtime.ready_user_tasks(workflow)
    runtime.complete(workflow, task, {"decision": "approve"}, now)
    assert workflow.is_completed()


def test_a_saved_cycle_keeps_only_what_is_in_play_so_each_round_costs_the_same():
    runtime = Runtime()
    loaded = load_process(LOOP.encode(), "loop.bpmn", role_exists=lambda _: True, form_exists=lambda _: True)
    now = datetime(2025, 9, 26, 10, 0)
    state = runtime.dump(runtime.new_workflow(loaded, {"subject_code": "C-PY"}, now))
    sizes = []
    for round_no in range(60):
        workflow = runtime.load(loaded, state)
        (task,) = runtime.ready_user_tasks(workflow)
        assert task.data["subject_code"] == "C-PY"  # what the cycle started with is still there
        assert round_no == 0 or task.data["round"] == round_no - 1  # and what the last round wrote
        runtime.complete(workflow, task, {"decision": "return", "round": round_no}, now)
        state = runtime.dump(workflow)
        sizes.append(len(state["tasks"]))
    assert max(sizes[10:]) == min(sizes[10:]) < 10  # the saved tree no longer grows round after round
    workflow = runtime.load(loaded, state)
    (task,) = runtime.ready_user_tasks(workflow)
    runtime.complete(workflow, task, {"decision": "approve"}, now)
    assert workflow.is_completed() and workflow.data.get("subject_code", "C-PY") == "C-PY"


PARALLEL = LOOP.replace('<bpmn:exclusiveGateway id="again" default="to_end"/>',
                        '<bpmn:exclusiveGateway id="again" default="to_end"/><bpmn:parallelGateway id="split"/>'
                        '<bpmn:userTask id="other" name="Other"/><bpmn:parallelGateway id="join"/>') \
    .replace('<bpmn:flowNodeRef>work</bpmn:flowNodeRef>',
             '<bpmn:flowNodeRef>work</bpmn:flowNodeRef><bpmn:flowNodeRef>other</bpmn:flowNodeRef>') \
    .replace('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>',
             '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>'
             '<bpmn:sequenceFlow id="s1" sourceRef="split" targetRef="work"/>'
             '<bpmn:sequenceFlow id="s2" sourceRef="split" targetRef="other"/>'
             '<bpmn:sequenceFlow id="j2" sourceRef="other" targetRef="join"/>') \
    .replace('<bpmn:sequenceFlow id="to_end" sourceRef="again" targetRef="end"/>',
             '<bpmn:sequenceFlow id="to_end" sourceRef="again" targetRef="join"/>'
             '<bpmn:sequenceFlow id="j3" sourceRef="join" targetRef="end"/>')


def test_a_process_with_parallel_branches_keeps_its_whole_history():
    runtime = Runtime()
    loaded = load_process(PARALLEL.encode(), "parallel.bpmn", role_exists=lambda _: True,
                          form_exists=lambda _: True)
    now = datetime(2025, 9, 26, 10, 0)
    workflow = runtime.new_workflow(loaded, {}, now)
    other = next(t for t in runtime.ready_user_tasks(workflow) if t.task_spec.bpmn_id == "other")
    runtime.complete(workflow, other, {}, now)
    assert len(runtime.dump(workflow)["tasks"]) == len(runtime.serializer.to_dict(workflow)["tasks"])
    workflow = runtime.load(loaded, runtime.dump(workflow))
    (work,) = runtime.ready_user_tasks(workflow)
    runtime.complete(workflow, work, {"decision": "approve"}, now)
    assert workflow.is_completed()  # the join saw the branch finished before the save
