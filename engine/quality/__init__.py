"""质量数据: the indicator library (标准链), values over time (监测), their computed status, the small loop that
starts an improvement on a warning (预警 → 改进), and the warning centre."""
