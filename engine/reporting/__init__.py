"""What leaders read: the 驾驶舱's figures, the generated 自我诊断报告, the 质量年报 compiled by a process, and 考核.

Reads the rooms below (workflow, supervision, quality, planning); nothing below imports it."""
