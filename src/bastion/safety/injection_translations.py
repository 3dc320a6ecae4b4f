""" "Ignore your previous instructions" and "reveal your system prompt" in other languages.

Each pattern pairs a verb of dismissal with an object (instructions, rules, prompt) within a
short gap, so word order and politeness forms vary without an exact phrase list. Languages:
French, Spanish, German, Portuguese, Italian, Dutch, Polish, Turkish, Russian, Ukrainian,
Chinese (simplified and traditional), Japanese, Korean, Arabic, Hindi, Vietnamese, Indonesian.
"""

from __future__ import annotations

from bastion.safety.phrase_gap import gap

__all__ = ["TRANSLATED_RULES"]

_G = gap(40)
_IGNORE = "ignore_previous_instructions"
_EXTRACT = "system_prompt_extraction"
_ROLE = "role_reassignment"

TRANSLATED_RULES: tuple[tuple[str, str], ...] = (
    # French
    (
        _IGNORE,
        rf"(?i)\b(?:ignore[rsz]?|oublie[rsz]?|ne tiens? pas compte|ne tenez pas compte|"
        rf"fais abstraction|faites abstraction){_G}(?:instructions?|consignes|directives|règles)\b",
    ),
    (
        _EXTRACT,
        rf"(?i)\b(?:révèle|révélez|affiche[rz]?|montre[rz]?|donne[rz]?|répète[sz]?){_G}"
        r"(?:prompt système|instructions? (?:système|initiales|cachées))",
    ),
    (_ROLE, r"(?i)\btu es (?:maintenant|désormais)\b|(?:^|\s)à partir de maintenant,? tu\b"),
    # Spanish
    (
        _IGNORE,
        rf"(?i)\b(?:ignora[rn]?|ignore[ns]?|olvida[rn]?|olvide[ns]?|haz caso omiso|"
        rf"no hagas caso|descarta){_G}(?:instrucciones|indicaciones|reglas|directrices|órdenes)\b",
    ),
    (
        _EXTRACT,
        rf"(?i)\b(?:revela|muestra|muéstrame|dime|repite|imprime){_G}"
        r"(?:prompt del sistema|instrucciones (?:del sistema|iniciales|ocultas))",
    ),
    (_ROLE, r"(?i)\b(?:ahora eres|a partir de ahora,? eres|desde ahora eres)\b"),
    # German
    (
        _IGNORE,
        rf"(?i)\b(?:ignorier(?:e|en|t)?|vergiss|vergessen sie|missachte|übergehe|"
        rf"beachte nicht){_G}(?:anweisungen|instruktionen|befehle|regeln|vorgaben|richtlinien)\b",
    ),
    (
        _EXTRACT,
        rf"(?i)\b(?:zeige?|verrate|gib|wiederhole|nenne){_G}"
        r"(?:systemprompt|system-prompt|systemanweisungen|ursprünglichen anweisungen)",
    ),
    (_ROLE, r"(?i)\bdu bist (?:jetzt|nun|ab sofort)\b|\bab jetzt bist du\b"),
    # Portuguese
    (
        _IGNORE,
        rf"(?i)\b(?:ignore|ignora|ignorar|esqueça|esqueca|esqueça-se|desconsidere|"
        rf"desconsidera){_G}(?:instruções|instrucoes|orientações|regras|diretrizes)\b",
    ),
    (_ROLE, r"(?i)\bvocê (?:agora é|é agora)\b|\ba partir de agora,? você\b"),
    # Italian
    (
        _IGNORE,
        rf"(?i)\b(?:ignora|ignorate|dimentica|dimenticate|non tenere conto|trascura)"
        rf"{_G}(?:istruzioni|indicazioni|regole|direttive)\b",
    ),
    (_ROLE, r"(?i)\b(?:ora sei|adesso sei|da ora in poi sei)\b"),
    # Dutch, Polish, Turkish
    (_IGNORE, rf"(?i)\b(?:negeer|vergeet){_G}(?:instructies|aanwijzingen|regels)\b"),
    (_IGNORE, rf"(?i)\b(?:zignoruj|ignoruj|zapomnij){_G}(?:instrukcje|polecenia|zasady)\b"),
    (
        _IGNORE,
        r"(?i)(?:önceki|tüm|bütün)"
        + gap(30)
        + r"(?:talimatlar|kurallar)\S{0,2}"
        + gap(20)
        + r"(?:yok say|görmezden gel|unut)",
    ),
    # Russian, Ukrainian
    (
        _IGNORE,
        rf"(?i)(?:игнорируй|игнорируйте|забудь|забудьте|не обращай внимания на|"
        rf"проигнорируй|отбрось){_G}(?:инструкци|указани|правила|команды|промпт)",
    ),
    (_IGNORE, rf"(?i)(?:ігноруй|ігноруйте|забудь|забудьте){_G}(?:інструкці|вказівк|правила)"),
    (
        _EXTRACT,
        rf"(?i)(?:покажи|выведи|раскрой|повтори){_G}(?:системн\w+ (?:промпт|подсказк|"
        r"инструкци))",
    ),
    (_ROLE, r"(?i)(?:теперь ты|отныне ты)\s"),
    # Chinese (simplified and traditional)
    (
        _IGNORE,
        r"(?:忽略|忽视|無視|无视|忘记|忘記|不要理会|不要理會|跳过|跳過)"
        + gap(12, stop="。")
        + r"(?:指令|指示|说明|說明|提示|规则|規則|要求|设定|設定)",
    ),
    (
        _EXTRACT,
        r"(?:显示|顯示|输出|輸出|告诉我|告訴我|透露|打印|重复|重複)"
        + gap(10, stop="。")
        + r"(?:系统提示|系統提示|系统指令|系統指令|初始指令|提示词|提示詞)",
    ),
    (_ROLE, r"(?:你现在是|你現在是|从现在开始你|從現在開始你)"),
    # Japanese
    (
        _IGNORE,
        r"(?:以前|前|上記|これまで|すべて|全て)の(?:指示|命令|指令|ルール|プロンプト)"
        + gap(6, stop="。")
        + r"(?:無視|忘れ)",
    ),
    (
        _IGNORE,
        r"(?:指示|命令|指令|ルール)"
        + gap(8, stop="。")
        + r"(?:を|は)?(?:すべて|全て)?(?:無視して|忘れて)",
    ),
    (_EXTRACT, r"システムプロンプト" + gap(10, stop="。") + r"(?:表示|教え|出力|見せ)"),
    # Korean
    (
        _IGNORE,
        r"(?:이전|앞의|위의|모든)"
        + gap(10)
        + r"(?:지시|지침|명령|규칙)"
        + gap(10)
        + r"(?:무시|잊어)",
    ),
    # Arabic, Hindi, Vietnamese, Indonesian
    (_IGNORE, r"(?:تجاهل|انس)" + gap(30) + r"(?:التعليمات|الأوامر|القواعد)"),
    (
        _IGNORE,
        r"(?:पिछले|सभी|पूर्व)" + gap(30) + r"(?:निर्देशों|निर्देश)" + gap(20) + r"(?:अनदेखा|नजरअंदाज|भूल)",
    ),
    (_IGNORE, rf"(?i)\b(?:bỏ qua|phớt lờ|quên){_G}(?:hướng dẫn|chỉ dẫn|quy tắc|lệnh)"),
    (_IGNORE, rf"(?i)\b(?:abaikan|lupakan){_G}(?:instruksi|petunjuk|perintah|aturan)\b"),
)
