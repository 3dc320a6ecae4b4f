"""Prompt-injection rules: what outside content says when it tries to steer the model.

Patterns run on normalised text (NFKC, invisible characters removed), case-insensitively.
``core`` marks the English phrase rules that are also run over the ROT13 of the text. The
translations live in ``injection_translations``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bastion.safety.findings import Severity
from bastion.safety.injection_translations import TRANSLATED_RULES
from bastion.safety.phrase_gap import gap

__all__ = ["DEFAULT_INJECTION_RULES", "InjectionRule"]


@dataclass(frozen=True, slots=True)
class InjectionRule:
    name: str
    severity: Severity
    pattern: str
    core: bool = False  # also matched against the ROT13 of the text
    # Read with any spelling of its words (digits, accents, emphasis marks: ``spelling``);
    # the ROT13 check reads the pattern as written.
    any_spelling: bool = False


C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

_GAP = gap(40)
_VERBS = (
    r"(?:ignore|disregard|forget|skip|override|bypass|neglect|discard|abandon|set aside|"
    r"pay no attention to|do not (?:follow|obey)|don't (?:follow|obey)|stop following|"
    r"throw out|drop|erase|clear|delete|cancel|void|nullify|supersede)"
)
_WHICH = (
    r"(?:previous|prior|above|earlier|preceding|former|initial|original|old|system|"
    r"existing|current|all|any|every|your|the|these|those|developer)"
)
_WHAT = (
    r"(?:instructions?|prompts?|directions?|rules|guidelines|directives?|commands|context|"
    r"constraints|programming|guardrails|restrictions|policies|orders|training|safeguards|"
    r"system message|safety (?:settings|filters?))"
)
_AI = r"(?:ai|a\.i\.|assistant|llm|language model|chatbot|bot|agent|model|gpt|claude|copilot)"

ENGLISH_RULES: tuple[InjectionRule, ...] = (
    InjectionRule(
        "ignore_previous_instructions",
        H,
        rf"(?i)\b{_VERBS}\b{_GAP}\b{_WHICH}\b{_GAP}\b{_WHAT}\b",
        core=True,
    ),
    InjectionRule(
        "ignore_previous_instructions",
        H,
        r"(?i)\b(?:disregard|forget|ignore)\s+(?:everything|anything|all)\s+"
        r"(?:above|before|prior|previously|you (?:were|have been) (?:told|given))",
        core=True,
    ),
    InjectionRule(
        "instructions_overridden",
        H,
        rf"(?i)\b(?:the\s+)?(?:above|previous|prior|earlier|original)\s+{_WHAT}\s+"
        r"(?:are|were|is|was)\s+(?:now\s+)?(?:void|cancell?ed|obsolete|revoked|fake|"
        r"no longer (?:valid|apply|applicable|in effect)|overridden|superseded|a test)"
        r"|\b(?:this|these)\s+(?:message|instructions?|text)\s+(?:overrides?|supersedes?|"
        r"replaces?)\s+(?:all|any|your)",
        core=True,
    ),
    InjectionRule(
        "new_instructions",
        M,
        r"(?i)\b(?:new|updated|revised|real|actual|true|secret|hidden|additional|"
        r"override|urgent|important)\s+(?:system\s+)?(?:instructions?|directives?|orders|"
        r"task|prompt|objective|mission)\s*(?::|are\b|is\b|follow|for (?:the )?" + _AI + r")",
        core=True,
    ),
    InjectionRule(
        "role_reassignment",
        M,
        r"(?i)\byou\s+are\s+(?:now|no\s+longer)\s+(?:an?\s+|the\s+|my\s+)?(?:\w+\s+){0,3}?"
        r"(?:ai|assistant|model|chatbot|bot|agent|persona|character|hacker|dan|entity|"
        r"version|mode|system)\b"
        r"|\byou\s+are\s+now\s+(?:an?\s+)?(?:evil|unrestricted|unfiltered|jailbroken|uncensored|"
        r"rogue|unchained|liberated|free\s+from|freed|no\s+longer\s+bound|dan)\b"
        r"|\bfrom\s+now\s+on,?\s+you\s+(?:are|will|must|shall|should|only)\b"
        r"|\bpretend\s+(?:to\s+be|you\s+are|that\s+you)\b"
        r"|\b(?:act|behave|respond|roleplay)\s+as\s+(?:if\s+you\s+(?:are|were)\s+)?(?:an?\s+)?"
        r"(?:unrestricted|unfiltered|jailbroken|evil|uncensored|dan\b|different|malicious)"
        r"|\benter\s+(?:developer|god|dan|debug|admin|sudo|unrestricted)\s+mode\b"
        r"|\b(?:developer|god|dan|admin|debug)\s+mode\s+(?:is\s+)?(?:now\s+)?"
        r"(?:enabled|activated|on|unlocked)\b"
        r"|\byour\s+(?:new|real|true|only)\s+(?:role|task|goal|objective|purpose|job)\s+is\b",
        core=True,
    ),
    InjectionRule("jailbreak_term", M, r"(?i)\bjailbr(?:eak|oken)\b|\bDo Anything Now\b"),
    InjectionRule(
        "system_prompt_extraction",
        H,
        r"(?i)\b(?:reveal|print|show|repeat|output|display|leak|disclose|tell me|give me|"
        r"share|write out|dump|echo|return|copy)\s+(?:me\s+|us\s+)?(?:back\s+)?"
        r"(?:your|the|all|any)\s+(?:\w+\s+){0,2}?(?:system\s+prompt|initial\s+(?:prompt|"
        r"instructions)|hidden\s+(?:prompt|instructions)|original\s+(?:prompt|instructions)|"
        r"(?:instructions|prompt)\s+(?:above|you were given)|developer\s+(?:message|prompt)|"
        r"secret\s+instructions|system\s+message|pre-?prompt)",
        core=True,
    ),
    InjectionRule(
        "exfiltration_request",
        H,
        r"(?i)\b(?:send|forward|e-?mail|post|upload|transmit|exfiltrate|leak|copy|paste|"
        r"append|include|encode|submit|report)\s+(?:\w+\s+){0,4}?(?:api[\s_-]?keys?|"
        r"credentials|passwords?|secrets?|access tokens?|auth tokens?|private keys?|ssh keys?|"
        r"env(?:ironment)?\s+variables|\.env\b|conversation(?: history)?|chat history|"
        r"system prompt|session cookies?|cookies|memory contents)\s+(?:\S+\s+){0,4}?"
        r"(?:to|at|into|in|via)\s+(?:https?://|\S+@\S+\.\w+|[\w-]+\.(?:com|net|org|io|xyz|ru|"
        r"top|site|app)\b|(?:this|the following|my|our)\s+(?:url|address|endpoint|webhook|"
        r"server|link))",
        core=True,
    ),
    InjectionRule(
        "markdown_image_exfiltration",
        H,
        r"(?i)!\[[^\]\n]{0,100}\]\(\s*https?://[^)\s]{0,300}[?&][\w-]{1,30}="
        r"(?:\{|\$|%7b|<|\[)",
    ),
    InjectionRule(
        "addressed_to_ai",
        M,
        rf"(?i)\b(?:note|message|instructions?|attention|important|urgent)\s*[:!,-]*\s*"
        rf"(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_AI}s?\b"
        rf"|\b(?:if|when)\s+(?:you\s+are|you're)\s+(?:an?\s+)?{_AI}\b"
        rf"|\b(?:dear|hey|hello|hi|attention)\s+(?:ai|assistant|llm|chatbot|agent|{_AI}\s+"
        r"(?:reading|processing|summari[sz]ing))\b"
        rf"|\b{_AI}s?\s+(?:reading|processing|summari[sz]ing|parsing|browsing)\s+this\b",
        core=True,
    ),
    InjectionRule(
        "task_hijack",
        M,
        r"(?i)\binstead\s+of\s+(?:summari[sz]ing|translating|answering|replying|doing)\b"
        r"" + gap(60, lazy=False) + r"\b(?:you\s+(?:must|should|will)|please)\b"
        r"|\b(?:do\s+not|don't)\s+(?:summari[sz]e|translate|answer|mention|tell the user)"
        r"" + gap(40, lazy=False) + r"\b(?:instead|rather)\b"
        r"|\bwithout\s+(?:telling|informing|notifying|alerting|asking)\s+(?:the\s+)?"
        r"(?:user|human|owner|operator)\b"
        r"|\b(?:end|stop)\s+of\s+(?:the\s+)?(?:system\s+prompt|instructions|user\s+input|"
        r"untrusted\s+content|external\s+content)\b"
        r"|\b(?:admin(?:istrator)?|developer|system|root)\s+override\b",
        core=True,
    ),
    InjectionRule(
        "tool_coercion",
        M,
        r"(?i)\b(?:you\s+must|immediately|now|please)\s+(?:call|invoke|run|execute|use)\s+"
        r"(?:the\s+)?[\w.-]+\s+(?:tool|function)\b",
        core=True,
    ),
    InjectionRule(
        "role_marker",
        M,
        # A line starts after a newline or a lone carriage return (which many renderers and
        # models read as one).
        r"(?im)(?:^|\r)[ \t>*#\-]*(?:system|assistant|developer)\s*:"
        r"|\[(?:system|assistant|developer)\]|</?(?:system|assistant|developer|"
        r"system[_-]?prompt|instructions?)>|(?:^|\r)#{1,4}\s*(?:system|instruction)s?\b",
    ),
    InjectionRule("user_role_marker", L, r"(?im)(?:^|\r)[ \t>*\-]*(?:user|human)\s*:"),
    InjectionRule(
        "chat_template_token",
        H,
        r"<\|[A-Za-z_]{2,30}\|>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>|"
        r"\[/?(?:SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS)\]|</?tool_call>|"
        r"</?function_calls>|<\|(?:begin|end)_of_text\|>|(?m:^```system\b)",
    ),
    InjectionRule(
        "forged_tool_call",
        H,
        r"(?i)\"(?:tool_calls|function_call|tool_use|tool_code)\"\s*:"
        r"|\"type\"\s*:\s*\"(?:function|tool_use|tool_call|function_call)\"",
    ),
    InjectionRule(
        "forged_role_json",
        M,
        r"(?i)\"role\"\s*:\s*\"(?:system|assistant|tool|developer)\"",
    ),
    InjectionRule(
        "hidden_html_instruction",
        M,
        r"(?is)<!--[^>]{0,400}?\b(?:ignore|instructions?|assistant|ai|llm|system|prompt|"
        r"model)\b[^>]{0,400}?-->",
    ),
    InjectionRule(
        "hidden_css_text",
        L,
        r"(?i)style\s*=\s*[\"'][^\"'>]{0,200}(?:display\s*:\s*none|visibility\s*:\s*hidden|"
        r"font-size\s*:\s*0(?:px|pt|em)?\s*[;\"']|opacity\s*:\s*0(?:\.0+)?\s*[;\"']|"
        r"color\s*:\s*(?:white|#fff(?:fff)?|transparent)\b)",
    ),
    InjectionRule(
        "encoded_payload_hint",
        L,
        r"(?i)\b(?:base64|rot13|rot-13|hex)[\s:-]+(?:decode|encoded|decoded)?\b",
    ),
    InjectionRule("code_eval_call", L, r"(?i)\b(?:eval|exec)\s*\("),
)

DEFAULT_INJECTION_RULES: tuple[InjectionRule, ...] = tuple(
    # The English phrases also read digits and accents on their letters ("1gn0re", "ignóre").
    replace(r, any_spelling=r.core)
    for r in ENGLISH_RULES
) + tuple(
    # ROT13 moves only ASCII letters, so it also hides Latin-script translations.
    InjectionRule(name, H, pattern, core=True)
    for name, pattern in TRANSLATED_RULES
)
