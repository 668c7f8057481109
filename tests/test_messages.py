"""Every message in English and in Russian (issue 21, item 5).

The catalogue is checked against the code itself: each message the code can say has its
Russian, with the same {fields}; no message reaches an editor without passing through the
catalogue; and a sample of real mistakes reads as it should in Russian, chosen by --lang
or by the locale.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sitegen import messages
from sitegen.commands.catalogue import PACKAGE, extract_messages, read_catalogue
from sitegen.commands.cli import main
from sitegen.messages import _, language_from_locale, use_language
from tests.test_errors import RU_SECOND, RU_SITE, WORDS_DATA

FIELD = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue("ru")


@pytest.fixture(scope="module")
def code_messages():
    return extract_messages()


def test_every_message_of_the_code_has_its_russian(catalogue, code_messages):
    missing = []
    for message in code_messages:
        if not message.id:
            continue
        translated = catalogue.get(message.id, context=message.context)
        strings = () if translated is None else (
            translated.string if isinstance(translated.string, tuple) else (translated.string,))
        if translated is None or not all(strings) or translated.fuzzy:
            where = ", ".join(f"{file}:{line}" for file, line in message.locations)
            missing.append(f"{where}: {message.id!r}")
    assert not missing, ("messages without Russian (run `make messages`, then translate them in "
                         "sitegen/locale/ru/LC_MESSAGES/sitegen.po):\n" + "\n".join(missing))


def test_the_catalogue_holds_no_message_the_code_no_longer_says(catalogue, code_messages):
    stale = [message.id for message in catalogue
             if message.id and code_messages.get(message.id, context=message.context) is None]
    assert not stale, f"run `make messages` to drop: {stale}"


def test_every_translation_fills_the_same_fields(catalogue):
    """A plural form may leave out {count} ("одна ошибка"); otherwise the fields are the English's."""
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        plural = isinstance(message.id, tuple)
        strings = message.string if plural else (message.string,)
        expected = set().union(*(fields(text) for text in message.id)) if plural else fields(message.id)
        if plural:
            assert len(strings) == 3, f"Russian needs three plural forms: {message.id!r}"
        for text in strings:
            if fields(text) not in (expected, expected - {"count"} if plural else expected):
                wrong.append(f"{message.id!r} -> {text!r}")
    assert not wrong, "translations whose {fields} differ from the English:\n" + "\n".join(wrong)


def test_warnings_stay_warnings_in_russian(catalogue):
    for message in catalogue:
        if isinstance(message.id, str) and message.id.startswith("warning: ") and message.id != "warning: ":
            assert message.string.startswith("предупреждение: "), message.id


def test_quoted_values_stay_quoted(catalogue):
    """errors.excerpt centres the echoed line on the first quoted value: the Russian quotes the same ones."""
    for message in catalogue:
        if isinstance(message.id, str) and message.string:
            assert sorted(re.findall(r"'\{(\w+)\}'", message.id)) == sorted(re.findall(r"'\{(\w+)\}'", message.string)), \
                message.id


# The calls that hand an editor a message: the message (and hint) must come from the catalogue.
MESSAGE_ARGUMENTS = {"SiteError": (2, 3), "error": (1, 2), "ArgumentTypeError": (0,)}
MESSAGE_KEYWORDS = {"message", "hint"}


def untranslated_calls(tree: ast.AST) -> list[int]:
    """Return the lines of calls passing a literal or f-string as an editor's message."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        positions = MESSAGE_ARGUMENTS.get(name, ())
        arguments = [arg for index, arg in enumerate(node.args) if index in positions]
        if name in MESSAGE_ARGUMENTS:
            arguments += [keyword.value for keyword in node.keywords if keyword.arg in MESSAGE_KEYWORDS]
        if name == "print":
            arguments = list(node.args)
        if any(re.search("[A-Za-z]{2}", written_words(argument)) for argument in arguments):
            lines.append(node.lineno)
    return sorted(set(lines))


def written_words(argument: ast.expr) -> str:
    """Return the text an argument spells out in the code: a literal's, or an f-string's outside its {fields}."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    if isinstance(argument, ast.JoinedStr):
        return "".join(part.value for part in argument.values if isinstance(part, ast.Constant))
    return ""


# Tools for sitegen's developers, not for editors: they speak English.
DEVELOPER_TOOLS = {"commands/catalogue.py"}


def test_no_message_bypasses_the_catalogue():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in DEVELOPER_TOOLS:
            continue
        for line in untranslated_calls(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"{name}:{line}")
    assert not found, "messages written in English only (wrap them in _() or ngettext()):\n" + "\n".join(found)


def test_the_finder_of_untranslated_calls_finds_them():
    tree = ast.parse('SiteError(p, 1, f"bad {x}")\nchecker.error(3, "no such field")\nprint(f"built {n}")\n'
                     'SiteError(p, 1, _("fine"), hint=_("fine"))\nprint(path.as_posix())\n')
    assert untranslated_calls(tree) == [1, 2, 3]


@pytest.mark.parametrize(("environment", "language"), [
    ({"LANG": "ru_RU.UTF-8"}, "ru"),
    ({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "en_GB.UTF-8"}, "ru"),
    ({"LC_ALL": "C.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({}, "en"),
])
def test_the_locale_chooses_the_language(environment, language):
    assert language_from_locale(environment) == language


def test_russian_plurals_take_three_forms():
    use_language("ru")
    assert [messages.ngettext("{count} error", "{count} errors", n) for n in (1, 3, 5, 21)] == [
        "1 ошибка", "3 ошибки", "5 ошибок", "21 ошибка"]
    assert _("hint: {hint}", hint="x") == "подсказка: x"
    use_language("en")
    assert _("hint: {hint}", hint="x") == "hint: x"


def check_output(root: Path, capsys, *options: str) -> tuple[int, str]:
    code = main(["check", "--content", str(root / "content"), *options])
    return code, capsys.readouterr().err


BROKEN_LINK = {"content/articles/first.md": """\
    ---
    title: First
    summary: A first article.
    date: 2024-13-02
    titel: typo
    ---

    See [the missing page](/articles/missing/).
    """}


def test_russian_errors_by_option_and_by_locale(make_site, capsys, monkeypatch):
    root = make_site(BROKEN_LINK)
    code, english = check_output(root, capsys)
    assert code == 1 and "hint: did you mean 'title'?" in english and "errors; nothing was written." in english
    code, russian = check_output(root, capsys, "--lang", "ru")
    assert code == 1
    assert "подсказка: может быть, 'title'?" in russian
    assert russian.rstrip().endswith("ошибки; ничего не записано.")
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert check_output(root, capsys)[1] == russian
    assert check_output(root, capsys, "--lang", "en")[1] == english


def test_russian_annotations_and_json(make_site, capsys):
    root = make_site(BROKEN_LINK)
    main(["check", "--content", str(root / "content"), "--format", "github", "--lang", "ru"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "проверка: 2 ошибки, 0 предупреждений"
    assert "%0Aподсказка: может быть, 'title'?" in "\n".join(lines)


def test_the_dev_server_panel_speaks_russian(make_site, tmp_path):
    from sitegen.commands.serve import DevSite
    from sitegen.options import BuildOptions
    from sitegen.reading.project import Project

    use_language("ru")
    root = make_site()
    site = DevSite(Project.from_content_dir(root / "content"), root / "_site", BuildOptions(include_drafts=True))
    site.first_build()
    site.errors = "content/articles/first.md:2: ошибка"
    body = b"".join(site.respond({"PATH_INFO": "/"}, lambda *_: None)).decode()
    assert '<strong lang="ru">После последнего изменения сайт собрать не удалось; показана последняя удачная сборка.</strong>' in body


TEMPLATES = Path(__file__).parents[1] / "templates"
# A site with templates of its own has all of them: the repository's, one of them broken.
OWN_TEMPLATES = {f"templates/{path.relative_to(TEMPLATES).as_posix()}": path.read_text(encoding="utf-8")
                 for path in TEMPLATES.rglob("*") if path.is_file()}
HOME_TEMPLATE = OWN_TEMPLATES["templates/home.html"]
# A sample of real mistakes and the first line (or lines) of what `check --lang ru` says about each.
RUSSIAN_SAMPLES = [
    pytest.param({"content/articles/second.md": "---\ntitle: Second\nsummary: S.\ndate: 2024-01-03\n---\n"
                                                 "## Details\n\nSee [it](/articles/nowhere/).\n"},
                 "content/articles/second.md:8: ссылка '/articles/nowhere/' не ведёт ни на одну страницу\n"
                 "    8 | See [it](/articles/nowhere/).\n"
                 "    подсказка: проверьте адрес; страницы статей — /articles/<имя файла>/\n"
                 "1 ошибка; ничего не записано.",
                 id="dead-link"),
    pytest.param({"content/data/numbers.yaml": "description: Numbers.\n\tsources: [test-report]\n"},
                 "content/data/numbers.yaml:2: синтаксическая ошибка YAML: в этой строке есть символ табуляции, "
                 "а YAML допускает только пробелы", id="tab"),
    pytest.param({**OWN_TEMPLATES, "templates/home.html": HOME_TEMPLATE.replace(
                      '{% endif %}{% if row.get("sources") %}', '{% if row.get("sources") %}', 1)},
                 "templates/home.html:18: синтаксическая ошибка в шаблоне: блок '{% if %}', открытый в этой строке, нигде не закрыт",
                 id="unclosed-if"),
    pytest.param({"content/articles/third.markdown": "---\ntitle: Third\n---\nText.\n"},
                 "content/articles/third.markdown: предупреждение: файл 'third.markdown' пропущен: статьи — только "
                 "файлы с расширением .md\n    подсказка: переименуйте его в 'third.md'\n"
                 "1 предупреждение; ошибок нет, сайт можно собрать.", id="ignored-markdown"),
    # The language as an adjective is declined by its place in the sentence (issue 27).
    pytest.param({**RU_SITE, "content/data/exchanges.yaml": WORDS_DATA},
                 "content/data/exchanges.yaml: предупреждение: в русской версии сайта нет перевода этого файла данных, "
                 "поэтому её графики и таблицы показывают английские подписи", id="adjective-edition-and-labels"),
    pytest.param({**RU_SITE, "content/articles/second.ru.md": RU_SECOND,
                  "content/articles/first.ru.md": RU_SECOND.replace("Вторая", "Первая") + "См. [вторую](/articles/second/).\n"},
                 "content/articles/first.ru.md:8: предупреждение: ссылка '/articles/second/' ведёт на английскую страницу, "
                 "хотя в русской версии сайта есть своя", id="adjective-page"),
]


@pytest.mark.parametrize(("files", "expected"), RUSSIAN_SAMPLES)
def test_a_sample_of_mistakes_in_russian(make_site, capsys, files, expected):
    root = make_site(files)

    code, russian = check_output(root, capsys, "--lang", "ru")

    assert russian.startswith(expected), russian
    assert code == (0 if "предупреждение" in expected else 1), russian


def test_a_language_sitegen_does_not_speak_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--lang", "de"])

    assert exit_.value.code == 2
    assert "build.py check: error: argument --lang: invalid choice: 'de' (choose from 'en', 'ru')" in capsys.readouterr().err
