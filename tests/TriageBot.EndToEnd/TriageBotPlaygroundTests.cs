using System.Reflection;
using TriageBot.EndToEnd.Harness;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd;

/// <summary>
/// The real bot (src/TriageBot, started as its own process with in-memory state and auth off)
/// talking to the Microsoft 365 Agents Playground, a Teams emulator nobody here wrote.
/// </summary>
public sealed class TriageBotPlaygroundTests(ITestOutputHelper output) : IAsyncLifetime
{
    private BotProcess _bot = null!;
    private PlaygroundHarness _playground = null!;

    internal static string TriageBotDll
    {
        get
        {
            var configuration = typeof(TriageBotPlaygroundTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .First(a => a.Key == "Configuration").Value!;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
                {
                    return Path.Combine(dir.FullName, "src", "TriageBot", "bin", configuration, "net10.0", "TriageBot.dll");
                }
            }
            throw new InvalidOperationException("TriageBot.sln not found");
        }
    }

    public async Task InitializeAsync()
    {
        _bot = await BotProcess.StartAsync(TriageBotDll, new Dictionary<string, string?>
        {
            ["Storage__Provider"] = "Memory",
            ["MicrosoftAppId"] = "",
        }, log: output.WriteLine);
        _playground = await PlaygroundHarness.StartAsync(_bot.MessagesEndpoint, new PlaygroundOptions { Log = output.WriteLine });
    }

    public async Task DisposeAsync()
    {
        await _playground.DisposeAsync();
        await _bot.DisposeAsync();
    }

    [Fact]
    public async Task PersonalChat_InstallThenPasteError_WelcomeAndDocumentedErrorReachTheConnector()
    {
        var conversationId = await _playground.InstallPersonalAsync();
        var welcome = await _playground.WaitForBotActivityAsync(a => a.ConversationId == conversationId && (a.Text ?? "").Contains("TriageBot"));
        Assert.Equal(201, welcome.StatusCode);

        var turn = await _playground.SendUserMessageAsync(conversationId, "Hi, since this morning Lync says: Sign-in address not found");
        var reply = await _playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId);

        Assert.Equal(200, turn.BotStatusCode);
        Assert.Equal(201, reply.StatusCode);
        Assert.Contains("Sign-in address not found", reply.Text);
        Assert.Contains("msoidsvc.exe", reply.Text);
        Assert.Equal(_playground.Config.Bot.Id, reply.Activity.Str("from", "id"));
    }

    [Fact]
    public async Task TeamChannel_MentionWithPastedError_ReplyLandsInTheThread()
    {
        var channelId = await _playground.InstallInTeamAsync();

        var turn = await _playground.SendUserMessageAsync(channelId, $"{_playground.BotMention.Text} There was a problem verifying the certificate from the server.", [_playground.BotMention]);
        var reply = await _playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId);

        Assert.Contains("There was a problem verifying the certificate from the server", reply.Text);
        Assert.StartsWith(channelId, reply.ConversationId);
    }
}
