using TriageBot.Core.Knowledge.Parsing;
using TriageBot.Core.Triage;
using YamlDotNet.RepresentationModel;

namespace TriageBot.Dialogs;

/// <summary>The interrupting commands a message can be, from <c>dialogs/commands.yaml</c>.</summary>
public enum BotCommand
{
    None,
    Help,
    Cancel,
    Restart,
    Human,
}

/// <summary>
/// The bot's own words (<c>dialogs/strings.yaml</c>) in English, German, Simplified and
/// Traditional Chinese, and the interrupting commands (<c>dialogs/commands.yaml</c>).
/// </summary>
public sealed class BotTexts
{
    private readonly Dictionary<string, Dictionary<string, string>> _strings;
    private readonly List<(BotCommand Command, string Phrase)> _commands;

    private BotTexts(Dictionary<string, Dictionary<string, string>> strings, List<(BotCommand, string)> commands)
    {
        _strings = strings;
        _commands = commands;
    }

    public static readonly string[] Languages = ["en-us", "de-de", "zh-cn", "zh-tw"];

    /// <summary>
    /// The files of <c>dialogs/</c> whose <c>strings:</c> hold the bot's words: the end users' conversation, and the
    /// helpdesk agents' co-pilot and ticket list (<c>agents.yaml</c>, which also has the agent commands).
    /// </summary>
    public static readonly string[] StringFiles = ["strings.yaml", "agents.yaml"];

    public static BotTexts Load(string dialogsFolder)
    {
        var strings = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in StringFiles)
        {
            ReadStrings(dialogsFolder, file, strings);
        }
        var commands = new List<(BotCommand, string)>();
        var commandsRoot = FlowLoader.Read(Path.Combine(dialogsFolder, "commands.yaml"));
        if (commandsRoot.Children.TryGetValue(new YamlScalarNode("commands"), out var c) && c is YamlMappingNode cmap)
        {
            foreach (var (key, node) in cmap.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                if (!Enum.TryParse<BotCommand>(name, ignoreCase: true, out var command) || command == BotCommand.None)
                {
                    throw new FlowException("commands.yaml", (int)key.Start.Line, $"unknown command '{name}' (help, cancel, restart, human)");
                }
                commands.AddRange(((YamlSequenceNode)node).Children.Select(p => (command, ((YamlScalarNode)p).Value!.ToLowerInvariant())));
            }
        }
        return new BotTexts(strings, commands);
    }

    /// <summary>The <c>strings:</c> section of one file: every text in every language, no id twice across the files.</summary>
    private static void ReadStrings(string dialogsFolder, string file, Dictionary<string, Dictionary<string, string>> strings)
    {
        var root = FlowLoader.Read(Path.Combine(dialogsFolder, file));
        if (!root.Children.TryGetValue(new YamlScalarNode("strings"), out var s) || s is not YamlMappingNode map)
        {
            return;
        }
        foreach (var (key, node) in map.Children)
        {
            var id = ((YamlScalarNode)key).Value!;
            if (node is not YamlMappingNode texts)
            {
                throw new FlowException(file, (int)node.Start.Line, $"'{id}' must map languages to texts");
            }
            if (strings.ContainsKey(id))
            {
                throw new FlowException(file, (int)key.Start.Line, $"'{id}' is already defined in another file");
            }
            strings[id] = texts.Children.ToDictionary(
                kv => SourceDocument.Normalize(((YamlScalarNode)kv.Key).Value!),
                kv => ((YamlScalarNode)kv.Value).Value ?? "",
                StringComparer.OrdinalIgnoreCase);
            var missing = Languages.Where(l => !strings[id].ContainsKey(l)).ToList();
            if (missing.Count > 0)
            {
                throw new FlowException(file, (int)node.Start.Line, $"'{id}' has no text for {string.Join(", ", missing)}");
            }
        }
    }

    /// <summary>The text <paramref name="id"/> in <paramref name="locale"/> (else English) with {name} values filled in.</summary>
    public string Get(string id, string locale, params (string Name, string Value)[] values)
    {
        if (!_strings.TryGetValue(id, out var texts))
        {
            throw new KeyNotFoundException($"dialogs/strings.yaml has no '{id}'");
        }
        var text = texts.GetValueOrDefault(locale) ?? texts.FirstOrDefault(kv => kv.Key.Split('-')[0] == locale.Split('-')[0]).Value ?? texts["en-us"];
        foreach (var (name, value) in values)
        {
            text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>Whether dialogs/strings.yaml has a text <paramref name="id"/>.</summary>
    public bool Has(string id) => _strings.ContainsKey(id);

    /// <summary>Which command a message is: the whole message, or a phrase of two or more words inside it.</summary>
    public BotCommand CommandOf(string? text) => CommandOf(text, wholeMessageOnly: false);

    /// <summary>Which command a message is when the whole message is one (a paste that mentions "a person" is none).</summary>
    public BotCommand WholeMessageCommandOf(string? text) => CommandOf(text, wholeMessageOnly: true);

    private static readonly char[] TrailingPunctuation = ['.', '!', '?', '。', '！', '？', ' '];

    private BotCommand CommandOf(string? text, bool wholeMessageOnly)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return BotCommand.None;
        }
        var t = text.Trim().ToLowerInvariant().TrimEnd(TrailingPunctuation);
        if (t.Length == 0)
        {
            t = text.Trim();
        }
        foreach (var (command, phrase) in _commands)
        {
            if (t == phrase)
            {
                return command;
            }
        }
        if (!wholeMessageOnly && t.Length <= 80)
        {
            foreach (var (command, phrase) in _commands)
            {
                if ((phrase.Contains(' ') || Core.Matching.Tokenizer.ContainsCjk(phrase) && phrase.Length >= 2) && ContainsWords(t, phrase))
                {
                    return command;
                }
            }
        }
        return BotCommand.None;
    }

    /// <summary>"a person" in "talk to a person", not in "a personal certificate".</summary>
    private static bool ContainsWords(string text, string phrase)
    {
        for (var at = text.IndexOf(phrase, StringComparison.Ordinal); at >= 0; at = text.IndexOf(phrase, at + 1, StringComparison.Ordinal))
        {
            var end = at + phrase.Length;
            var cjk = Core.Matching.Tokenizer.ContainsCjk(phrase);
            if (cjk || ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end]))))
            {
                return true;
            }
        }
        return false;
    }
}
