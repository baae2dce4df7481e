using Microsoft.Extensions.Options;
using TriageBot.Bots;
using TriageBot.Cli;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using TriageBot.Core.Triage;
using TriageBot.Cards;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Integration;
using TriageBot.Resilience;
using TriageBot.Storage;

namespace TriageBot;

/// <summary>The host's registrations and endpoints, in one place.</summary>
public static class TriageBotServiceCollectionExtensions
{
    public static IServiceCollection AddTriageBot(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<KnowledgeOptions>().Bind(configuration.GetSection("Knowledge")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageSelectionOptions>().Bind(configuration.GetSection("Storage")).ValidateDataAnnotations().ValidateOnStart();

        services.AddBotFramework(configuration);
        var provider = configuration["Storage:Provider"];
        if (StorageSelectionOptions.IsPostgres(provider))
        {
            services.AddPostgresStorage(configuration);
        }
        else if (!"memory".Equals(provider, StringComparison.OrdinalIgnoreCase))
        {
            services.AddSqliteStorage(configuration);
            services.PostConfigure<SqliteStorageOptions>(o => o.DatabasePath = KnowledgeLocator.Resolve(o.DatabasePath, contentRoot));
        }

        services.AddSingleton(sp =>
        {
            var path = KnowledgeLocator.Resolve(sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value.Path, contentRoot);
            var catalog = CatalogBuilder.Build(path);
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Knowledge");
            foreach (var problem in catalog.Problems)
            {
                log.LogWarning("Knowledge document not used: {File}: {Reason}", problem.File, problem.Reason);
            }
            log.LogInformation("Knowledge catalog: {Symptoms} symptoms from {Documents} documents in {Path}", catalog.Symptoms.Count, catalog.Documents.Count, path);
            return catalog;
        });
        services.AddSingleton(sp => new ErrorMatcher(sp.GetRequiredService<Catalog>()));

        services.AddOptions<DialogsOptions>().Bind(configuration.GetSection("Dialogs")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => FlowLoader.Load(DialogsPath(sp, contentRoot), sp.GetRequiredService<Catalog>()));
        services.AddSingleton(sp => BotTexts.Load(DialogsPath(sp, contentRoot)));
        services.AddSingleton<TriagePlanner>();
        services.AddSingleton<TriageCards>();
        services.AddSingleton<TriageDialog>();
        services.AddEscalation(configuration);
        services.AddSingleton<HelpdeskTurns>();
        services.AddSingleton(sp => AgentCommands.Load(DialogsPath(sp, contentRoot)));
        services.AddSingleton<CopilotCards>();
        services.AddSingleton<ErrorSearch>();
        services.AddSingleton<CopilotTurns>();
        services.AddSingleton<TriageActivityHandler>();
        services.AddSingleton<IBot>(sp => new ReplayGuard(sp.GetRequiredService<TriageActivityHandler>(), sp.GetRequiredService<ConversationState>(), sp.GetRequiredService<ILogger<ReplayGuard>>()));
        services.AddSingleton<TurnErrorHandler>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>(StorageHealthCheck.Name, timeout: TimeSpan.FromSeconds(10));
        return services;
    }

    private static string DialogsPath(IServiceProvider sp, string contentRoot) =>
        KnowledgeLocator.Resolve(sp.GetRequiredService<IOptions<DialogsOptions>>().Value.Path, contentRoot);

    /// <summary>Maps the endpoints and checks at start what must hold before the first request.</summary>
    public static WebApplication MapTriageBot(this WebApplication app)
    {
        // Build the catalog and load the flows now: a broken knowledge/ or dialogs/ folder stops
        // start-up (with the file and line) instead of failing the first turn.
        app.Services.GetRequiredService<ErrorMatcher>();
        app.Services.GetRequiredService<IBot>();

        // Building the catalog leaves tens of MB of garbage behind; give that memory back to the OS once, now,
        // rather than carry it in the process's footprint for its whole life.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        var auth = app.Services.GetRequiredService<IOptions<Protocol.Authentication.BotFrameworkAuthenticationOptions>>().Value;
        if (!auth.AuthenticationEnabled)
        {
            app.Logger.LogWarning("Authentication is OFF: no MicrosoftAppId is configured, so any caller can post to /api/messages. Use this for local development only.");
        }

        var adapter = app.Services.GetRequiredService<CloudAdapter>();
        adapter.OnTurnError = app.Services.GetRequiredService<TurnErrorHandler>().HandleAsync;

        // 200 while the storage answers, 503 with the reason while it does not (see StorageHealthCheck).
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = StorageHealthCheck.WriteAsync });
        app.MapBotFramework("/api/messages");
        return app;
    }
}
