"""Cases: pre-cases, privacy checks, the case table, decisions, actions, meetings, threats."""
