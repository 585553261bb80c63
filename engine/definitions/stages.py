"""The default spiral vocabulary (code, label, loop); a process may declare its own with `stages`."""

DEFAULT_STAGES: list[tuple[str, str]] = [
    ("goal", "目标"), ("standard", "标准"), ("design", "设计"), ("organise", "组织"), ("implement", "实施"),
    ("diagnose", "诊断"), ("incentive", "激励"), ("learn", "学习"), ("create", "创新"), ("improve", "改进"),
    ("monitor", "监测"), ("warn", "预警"),
]
# Stages of the real-time small loop (监测 → 预警 → 改进); everything else is on the big loop.
SMALL_LOOP: list[tuple[str, str]] = [("monitor", "监测"), ("warn", "预警"), ("improve", "改进")]
EN_LABELS = {"goal": "Goal", "standard": "Standard", "design": "Design", "organise": "Organise",
             "implement": "Implement", "diagnose": "Diagnose", "incentive": "Incentive", "learn": "Learn",
             "create": "Create", "improve": "Improve", "monitor": "Monitor", "warn": "Warn"}
