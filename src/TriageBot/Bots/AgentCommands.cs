using System.Text.RegularExpressions;
using TriageBot.Core.Triage;
using YamlDotNet.RepresentationModel;

namespace TriageBot.Bots;

/// <summary>The helpdesk agents' commands (<c>dialogs/agents.yaml</c>).</summary>
public enum AgentCommand
{
    None,

    /// <summary><c>triage &lt;pasted text&gt;</c>: the co-pilot card; <see cref="AgentRequest.Argument"/> is the text.</summary>
    Triage,

    /// <summary><c>tickets</c>: the open tickets.</summary>
    Tickets,

    /// <summary><c>ticket TB-1042</c>: one ticket; <see cref="AgentRequest.Argument"/> is its id.</summary>
    Ticket,
}

/// <summary>A message read as an agent command, with its argument (the pasted text, or a ticket id).</summary>
public readonly record struct AgentRequest(AgentCommand Command, string Argument);

/// <summary>
/// Reads the agent commands of a message: a command word at its start (<c>triage</c>, <c>tickets</c>,
/// <c>ticket</c> and their German and Chinese forms from <c>dialogs/agents.yaml</c>), followed by what it needs.
/// </summary>
public sealed partial class AgentCommands
{
    public const string FileName = "agents.yaml";

    // Longest first, so "open tickets" wins over a shorter word it starts with.
    private readonly List<(AgentCommand Command, string Word)> _words;

    public AgentCommands(IEnumerable<(AgentCommand Command, string Word)> words)
    {
        _words = words.Where(w => w.Word.Length > 0).OrderByDescending(w => w.Word.Length).ToList();
    }

    public static AgentCommands Load(string dialogsFolder)
    {
        var root = FlowLoader.Read(Path.Combine(dialogsFolder, FileName));
        var words = new List<(AgentCommand, string)>();
        if (!root.Children.TryGetValue(new YamlScalarNode("commands"), out var node) || node is not YamlMappingNode commands)
        {
            throw new FlowException(FileName, 1, "expected a 'commands:' mapping (triage, tickets, ticket)");
        }
        foreach (var (key, value) in commands.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (!Enum.TryParse<AgentCommand>(name, ignoreCase: true, out var command) || command == AgentCommand.None)
            {
                throw new FlowException(FileName, (int)key.Start.Line, $"unknown agent command '{name}' (triage, tickets, ticket)");
            }
            if (value is not YamlSequenceNode list)
            {
                throw new FlowException(FileName, (int)value.Start.Line, $"'{name}' must list its words");
            }
            words.AddRange(list.Children.Select(w => (command, (((YamlScalarNode)w).Value ?? "").Trim().ToLowerInvariant())));
        }
        foreach (var command in new[] { AgentCommand.Triage, AgentCommand.Tickets, AgentCommand.Ticket })
        {
            if (words.All(w => w.Item1 != command))
            {
                throw new FlowException(FileName, 1, $"no words for the agent command '{command.ToString().ToLowerInvariant()}'");
            }
        }
        return new AgentCommands(words);
    }

    /// <summary>The command <paramref name="text"/> (the message without the bot's @mention) starts with, if any.</summary>
    public AgentRequest Parse(string? text)
    {
        var t = text?.Trim() ?? "";
        if (t.Length == 0)
        {
            return default;
        }
        foreach (var (command, word) in _words)
        {
            if (!StartsWithWord(t, word))
            {
                continue;
            }
            var rest = t[word.Length..].TrimStart(':', '：', ',', '，').Trim();
            switch (command)
            {
                case AgentCommand.Triage:
                    return new AgentRequest(AgentCommand.Triage, rest);
                case AgentCommand.Tickets when rest.Length == 0:
                case AgentCommand.Ticket when rest.Length == 0:
                    return new AgentRequest(AgentCommand.Tickets, "");
                case AgentCommand.Ticket when TicketIdRegex().Match(rest) is { Success: true } id:
                    return new AgentRequest(AgentCommand.Ticket, "TB-" + id.Groups[1].Value);
            }
        }
        return default;
    }

    /// <summary>The words of one command, for help texts and tests.</summary>
    public IEnumerable<string> WordsOf(AgentCommand command) => _words.Where(w => w.Command == command).Select(w => w.Word);

    private static bool StartsWithWord(string text, string word)
    {
        if (!text.StartsWith(word, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (text.Length == word.Length || Core.Matching.Tokenizer.IsCjk(word[^1]))
        {
            return true;
        }
        var next = text[word.Length];
        return char.IsWhiteSpace(next) || next is ':' or '：' or ',' or '，';
    }

    [GeneratedRegex(@"^(?:TB-?)?(\d{1,9})[.!。]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TicketIdRegex();
}
