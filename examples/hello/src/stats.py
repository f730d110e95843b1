"""Lambda handler: summary statistics of event["numbers"]."""

import logging
import statistics

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    numbers = event.get("numbers") if isinstance(event, dict) else None
    if not numbers:
        raise ValueError('expected a non-empty list in "numbers"')
    logger.info("summarising %d numbers", len(numbers))
    return {
        "count": len(numbers),
        "mean": statistics.fmean(numbers),
        "median": statistics.median(numbers),
        "min": min(numbers),
        "max": max(numbers),
        "function": context.function_name,
    }
