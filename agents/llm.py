"""Structured answers from any LangChain chat model, with what the decision record needs.

Agents ask a model for a pydantic object. Models that support tool calling get
``with_structured_output``; any other chat model (a local server, LangChain's fake models
in tests) gets the schema in the prompt and its JSON answer is parsed and validated. Either
way the caller learns the model's name and the digest of the exact prompt, which go into
the Decision, and a model that fails or answers nonsense raises :class:`LlmError`, so the
agent can fall back to its deterministic path instead of failing the request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import PydanticOutputParser
from pydantic import BaseModel, ValidationError

from graph.models import canonical_json, sha256_hex

M = TypeVar("M", bound=BaseModel)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


class LlmError(Exception):
    """The model could not be reached or its answer did not fit the schema."""


class LlmUnreadable(LlmError):
    """The model answered, but its answer could not be read as the schema asks."""


@dataclass(frozen=True)
class Structured(Generic[M]):
    """A validated answer with the model that gave it and the digest of the prompt."""

    value: M
    model: str
    prompt_digest: str


def model_name(llm: BaseChatModel) -> str:
    """The model's name as configured (``gpt-4o-mini``…), else its class name."""
    for attr in ("model_name", "model", "model_id"):
        value = getattr(llm, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(llm).__name__


def prompt_digest(messages: list[BaseMessage]) -> str:
    """sha256 of the messages as sent (role and content), for the decision record."""
    payload = [{"role": m.type, "content": m.content} for m in messages]
    return sha256_hex(canonical_json(payload).encode())


def ask_structured(llm: BaseChatModel, schema: type[M], system: str, user: str) -> Structured[M]:
    """Ask ``llm`` for a ``schema`` object; raises LlmError on any failure.

    Tool-calling models answer through ``with_structured_output``; the rest are asked for
    JSON matching the schema (given in the system prompt) and the answer is validated.
    """
    try:
        runnable = llm.with_structured_output(schema)
    except NotImplementedError:
        runnable = None
    if runnable is not None:
        messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(user)]
        try:
            answer = runnable.invoke(messages)
        except Exception as e:  # any provider failure: the caller falls back
            raise LlmError(f"{model_name(llm)} failed: {e}") from e
        if isinstance(answer, schema):
            return Structured(answer, model_name(llm), prompt_digest(messages))
        try:
            return Structured(
                schema.model_validate(answer), model_name(llm), prompt_digest(messages)
            )
        except ValidationError as e:
            raise LlmError(f"{model_name(llm)} answered outside the schema: {e}") from e
    schema_text = json.dumps(schema.model_json_schema(), sort_keys=True)
    instructions = (
        f"{system}\n\nAnswer with one JSON object only, no prose, that matches this JSON "
        f"schema:\n{schema_text}"
    )
    messages = [SystemMessage(instructions), HumanMessage(user)]
    try:
        reply = llm.invoke(messages)
    except Exception as e:  # any provider failure: the caller falls back
        raise LlmError(f"{model_name(llm)} failed: {e}") from e
    text = reply.content if isinstance(reply.content, str) else str(reply.content)
    try:
        value = schema.model_validate_json(_FENCE.sub("", text.strip()))
    except ValidationError as e:
        raise LlmError(f"{model_name(llm)} answered outside the schema: {e}") from e
    return Structured(value, model_name(llm), prompt_digest(messages))


def ask_text(llm: BaseChatModel, messages: list[BaseMessage]) -> str:
    """The model's plain answer to ``messages``; raises LlmError when the call fails."""
    try:
        reply = llm.invoke(messages)
    except Exception as e:  # any provider failure: the caller falls back
        raise LlmError(f"{model_name(llm)} failed: {e}") from e
    return reply.content if isinstance(reply.content, str) else str(reply.content)


def ask_messages(llm: BaseChatModel, schema: type[M], messages: list[BaseMessage]) -> M:
    """A ``schema`` object answering a whole conversation (for agents that retry with
    feedback). Tool-calling models answer through ``with_structured_output``, the rest
    through a JSON parser. Raises LlmUnreadable for an answer outside the schema and
    LlmError when the call fails."""
    try:
        if type(llm).bind_tools is not BaseChatModel.bind_tools:  # tool calling available
            answer: object = llm.with_structured_output(schema).invoke(messages)
        else:
            answer = (llm | PydanticOutputParser(pydantic_object=schema)).invoke(messages)
    except (OutputParserException, ValidationError, ValueError) as e:
        raise LlmUnreadable(f"{model_name(llm)} answered outside the schema: {e}") from e
    except Exception as e:  # any provider failure: the caller falls back
        raise LlmError(f"{model_name(llm)} failed: {e}") from e
    if isinstance(answer, schema):
        return answer
    try:
        return schema.model_validate(answer)
    except ValidationError as e:
        raise LlmUnreadable(f"{model_name(llm)} answered outside the schema: {e}") from e
