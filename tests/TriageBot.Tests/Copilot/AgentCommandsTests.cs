using TriageBot.Bots;
using TriageBot.Core.Triage;
using TriageBot.Tests.Dialogs;

namespace TriageBot.Tests.Copilot;

/// <summary>The agent command words of dialogs/agents.yaml and how a message is read as one.</summary>
public sealed class AgentCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-agents-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("triage Sign-in address not found", AgentCommand.Triage, "Sign-in address not found")]
    [InlineData("Triage: Sign-in address not found", AgentCommand.Triage, "Sign-in address not found")]
    [InlineData("TRIAGE\nline one\nline two", AgentCommand.Triage, "line one\nline two")]
    [InlineData("triage", AgentCommand.Triage, "")]
    [InlineData("triagieren Server is temporarily unavailable", AgentCommand.Triage, "Server is temporarily unavailable")]
    [InlineData("分诊找不到登录地址", AgentCommand.Triage, "找不到登录地址")]
    [InlineData("分診：找不到登入位址", AgentCommand.Triage, "找不到登入位址")]
    [InlineData("tickets", AgentCommand.Tickets, "")]
    [InlineData("  Tickets  ", AgentCommand.Tickets, "")]
    [InlineData("open tickets", AgentCommand.Tickets, "")]
    [InlineData("offene Tickets", AgentCommand.Tickets, "")]
    [InlineData("工单", AgentCommand.Tickets, "")]
    [InlineData("工單列表", AgentCommand.Tickets, "")]
    [InlineData("ticket", AgentCommand.Tickets, "")]
    [InlineData("ticket TB-1042", AgentCommand.Ticket, "TB-1042")]
    [InlineData("ticket tb-1042", AgentCommand.Ticket, "TB-1042")]
    [InlineData("ticket 1042", AgentCommand.Ticket, "TB-1042")]
    [InlineData("Ticket: TB1042.", AgentCommand.Ticket, "TB-1042")]
    [InlineData("工单 TB-1001", AgentCommand.Ticket, "TB-1001")]
    [InlineData("工單TB-1001", AgentCommand.Ticket, "TB-1001")]
    public void Parse_CommandWordAtTheStart(string message, AgentCommand command, string argument)
    {
        var request = TriageBotFactory.AgentCommands.Parse(message);

        Assert.Equal(command, request.Command);
        Assert.Equal(argument, request.Argument);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Sign-in address not found")]
    [InlineData("triaged the issue yesterday")]
    [InlineData("tickets are not working")]
    [InlineData("ticket please")]
    [InlineData("ticket TB-1042 and TB-1043")]
    [InlineData("ticketing system says Server is temporarily unavailable")]
    [InlineData("my triage: nothing")]
    public void Parse_AnythingElse_IsNoCommand(string? message)
    {
        Assert.Equal(AgentCommand.None, TriageBotFactory.AgentCommands.Parse(message).Command);
    }

    [Fact]
    public void Load_TheRepositoryFile_HasEveryCommandInSeveralLanguages()
    {
        var commands = TriageBotFactory.AgentCommands;

        Assert.Contains("triage", commands.WordsOf(AgentCommand.Triage));
        Assert.Contains("分诊", commands.WordsOf(AgentCommand.Triage));
        Assert.Contains("offene tickets", commands.WordsOf(AgentCommand.Tickets));
        Assert.Contains("工單", commands.WordsOf(AgentCommand.Ticket));
    }

    [Fact]
    public void Load_UnknownCommand_StopsWithTheFileAndLine()
    {
        File.WriteAllText(Path.Combine(_folder, "agents.yaml"), "commands:\n  triage: [triage]\n  tickets: [tickets]\n  ticket: [ticket]\n  escalate: [escalate]\n");

        var error = Assert.Throws<FlowException>(() => AgentCommands.Load(_folder));

        Assert.Equal(("agents.yaml", 5), (error.File, error.Line));
        Assert.Contains("unknown agent command 'escalate'", error.Message);
    }

    [Fact]
    public void Load_CommandWithoutWords_Stops()
    {
        File.WriteAllText(Path.Combine(_folder, "agents.yaml"), "commands:\n  triage: [triage]\n  tickets: [tickets]\n");

        var error = Assert.Throws<FlowException>(() => AgentCommands.Load(_folder));

        Assert.Contains("no words for the agent command 'ticket'", error.Message);
    }

    [Fact]
    public void Load_MissingFile_Stops()
    {
        var error = Assert.Throws<FlowException>(() => AgentCommands.Load(_folder));

        Assert.Equal("agents.yaml", error.File);
    }

    [Fact]
    public void BotTexts_AnIdInBothStringFiles_Stops()
    {
        foreach (var file in new[] { "commands.yaml", "strings.yaml", "agents.yaml" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Dialogs, file), Path.Combine(_folder, file));
        }
        File.AppendAllText(Path.Combine(_folder, "agents.yaml"), "  help:\n    en-us: a\n    de-de: b\n    zh-cn: c\n    zh-tw: d\n");

        var error = Assert.Throws<FlowException>(() => TriageBot.Dialogs.BotTexts.Load(_folder));

        Assert.Equal("agents.yaml", error.File);
        Assert.Contains("'help' is already defined", error.Message);
    }
}
