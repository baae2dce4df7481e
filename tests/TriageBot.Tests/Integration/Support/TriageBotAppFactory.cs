using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Protocol.Integration;

namespace TriageBot.Tests.Integration.Support;

/// <summary>
/// The real app (Program, AddTriageBot, MapTriageBot) in memory, with in-memory state, a recording fake in
/// place of the connector's network handler, captured logs and instant retry backoff. Auth is off unless a
/// subclass configures an app id.
/// </summary>
public abstract class TriageBotAppFactory : WebApplicationFactory<Program>
{
    internal RecordingHttpHandler Connector { get; } = new(_ => RecordingHttpHandler.Created());

    internal CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Clears what earlier tests of the same fixture left in the fakes and the captured log.</summary>
    public void ResetFakes()
    {
        Connector.Reset();
        Logs.Clear();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "Memory");
        builder.UseSetting("MicrosoftAppId", "");
        // Backoff waits up to BaseDelay * 2^(n-1): zero makes retries instant without touching the clock.
        builder.UseSetting("BotFramework:Connector:BaseDelay", "00:00:00");
        ConfigureSettings(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            // Registered after the app's own ConfigurePrimaryHttpMessageHandler, so this one wins;
            // the RetryHandler the app adds stays in the pipeline in front of it.
            services.AddHttpClient(BotFrameworkServiceCollectionExtensions.ConnectorHttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => Connector);
            ConfigureTestServices(services);
        });
    }

    protected virtual void ConfigureSettings(IWebHostBuilder builder)
    {
    }

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }
}
