"""Every model call goes through ``agents/llm.py``: its helpers, and a check of the source.

The helpers are exercised with LangChain's scripted fake chat model; the source check reads
every module of the project's packages with ``ast`` and fails on a model call
(``invoke``/``ainvoke``/``stream``/``batch``/``with_structured_output``) anywhere else, so a
new agent cannot bypass the one place that names the model and digests the prompt.
"""

from __future__ import annotations

import ast

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from agents.llm import LlmError, LlmUnreadable, ask_messages, ask_text, prompt_digest
from tests.unit.test_import_cycles import ROOT, find_modules, project_packages

pytestmark = pytest.mark.unit

MODEL_CALLS = {"invoke", "ainvoke", "stream", "astream", "batch", "abatch"}
STRUCTURED = "with_structured_output"


class Pick(BaseModel):
    channel: str
    share: float


def _fake(*answers: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(a) for a in answers]))


def _messages() -> list[BaseMessage]:
    return [SystemMessage("Pick one channel."), HumanMessage("Budget 10k.")]


def test_ask_messages_reads_a_json_answer_into_the_schema() -> None:
    pick = ask_messages(_fake('{"channel": "email", "share": 0.4}'), Pick, _messages())
    assert pick == Pick(channel="email", share=0.4)


def test_ask_messages_calls_an_answer_outside_the_schema_unreadable() -> None:
    with pytest.raises(LlmUnreadable, match="outside the schema"):
        ask_messages(_fake('{"channel": "email"}'), Pick, _messages())


def test_a_failing_model_is_an_llm_error_not_unreadable() -> None:
    exhausted = GenericFakeChatModel(messages=iter([]))
    with pytest.raises(LlmError) as raised:
        ask_text(exhausted, _messages())
    assert not isinstance(raised.value, LlmUnreadable)
    assert "GenericFakeChatModel failed" in str(raised.value)


def test_ask_text_returns_the_answer_and_the_digest_follows_the_prompt() -> None:
    assert ask_text(_fake("hello"), _messages()) == "hello"
    other = [SystemMessage("Pick one channel."), HumanMessage("Budget 20k.")]
    assert prompt_digest(_messages()) == prompt_digest(_messages())
    assert prompt_digest(_messages()) != prompt_digest(other)


def model_calls_outside_the_gateway() -> list[str]:
    """``module:line attribute`` for each model call written outside agents/llm.py."""
    found: list[str] = []
    for name, path in find_modules(ROOT, project_packages()).items():
        if name == "agents.llm":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            attr = node.func.attr
            if attr == STRUCTURED or (attr in MODEL_CALLS and _looks_like_a_model(node.func)):
                found.append(f"{name}:{node.lineno} {attr}")
    return found


def _looks_like_a_model(func: ast.Attribute) -> bool:
    """A call on a name that reads as a model or chain (``llm.invoke``, ``chain.invoke``)."""
    target = func.value
    text = ast.unparse(target).lower()
    return any(word in text for word in ("llm", "model", "chain", "runnable", "chat"))


def test_no_model_call_outside_agents_llm() -> None:
    assert model_calls_outside_the_gateway() == []


def test_the_source_check_sees_a_model_call() -> None:
    tree = ast.parse("answer = self.llm.invoke(messages)\nx = chain.with_structured_output(S)")
    calls = [
        n.func
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]
    assert [c.attr for c in calls if c.attr == STRUCTURED or _looks_like_a_model(c)] == [
        "invoke",
        "with_structured_output",
    ]
