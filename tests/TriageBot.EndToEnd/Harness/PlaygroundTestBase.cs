using TriageBot.EndToEnd.EchoBot;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// A test class whose tests each talk to a fresh bot through a fresh Microsoft 365 Agents Playground, both on
/// 127.0.0.1 on free ports. <see cref="InitializeAsync"/> starts them (<see cref="StartTriageBotAsync"/> with the
/// class's settings, or <see cref="StartEchoBotAsync"/>), or a test does, with settings of its own; after each test
/// <see cref="DisposeAsync"/> stops the Playground, then the bot.
/// </summary>
public abstract class PlaygroundTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    private IAsyncDisposable? _bot;
    private PlaygroundHarness? _playground;

    protected ITestOutputHelper Output => output;

    /// <summary>The running Playground, in front of the bot.</summary>
    protected PlaygroundHarness Playground => _playground ?? throw new InvalidOperationException("The bot and the Playground are not started.");

    public abstract Task InitializeAsync();

    /// <summary>
    /// Starts the real bot (src/TriageBot, as its own process, with in-memory state and auth off; <paramref name="settings"/>
    /// are added as environment variables, over those two) and the Playground in front of it.
    /// </summary>
    protected Task StartTriageBotAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Storage__Provider"] = "Memory",
            ["MicrosoftAppId"] = "",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return StartAsync(async () =>
        {
            var bot = await BotProcess.StartAsync(TriageBotRepository.TriageBotDll, environment, log: output.WriteLine);
            return (bot, bot.MessagesEndpoint);
        });
    }

    /// <summary>Starts the in-process echo bot and the Playground in front of it.</summary>
    protected Task StartEchoBotAsync() => StartAsync(async () =>
    {
        var bot = await EchoBotHost.StartAsync();
        return (bot, bot.MessagesEndpoint);
    });

    public virtual async Task DisposeAsync()
    {
        try
        {
            if (_playground is not null)
            {
                await _playground.DisposeAsync();
            }
        }
        finally
        {
            if (_bot is not null)
            {
                await _bot.DisposeAsync();
            }
        }
    }

    private async Task StartAsync(Func<Task<(IAsyncDisposable Bot, string MessagesEndpoint)>> startBot)
    {
        if (_bot is not null)
        {
            throw new InvalidOperationException("The bot and the Playground are already started.");
        }

        var (bot, endpoint) = await startBot();
        try
        {
            _playground = await PlaygroundHarness.StartAsync(endpoint, new PlaygroundOptions { Log = output.WriteLine });
            _bot = bot;
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync throws: stop the bot here.
            await bot.DisposeAsync();
            throw;
        }
    }
}
