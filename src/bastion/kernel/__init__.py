"""Authority: tool registry and dispatcher, policy, approvals, taint, budgets, audit."""
