"""Runnable examples that sit beside Switchyard; they meet the gateway only over HTTP."""
