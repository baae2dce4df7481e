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
        services.AddSingleton<IBot, TriageActivityHandler>();
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
        var conversationState = app.Services.GetRequiredService<ConversationState>();
        var turnLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Turn");
        adapter.OnTurnError = async (turn, exception) =>
        {
            turnLog.LogError(exception, "Turn failed in conversation {ConversationId}", turn.Activity.Conversation?.Id);
            try
            {
                // A conversation whose state broke the turn must not break the next one too.
                await conversationState.DeleteAsync(turn);
            }
            catch (Exception cleanup)
            {
                turnLog.LogWarning(cleanup, "Could not clear the state of conversation {ConversationId}", turn.Activity.Conversation?.Id);
            }
            if (turn.Activity.Type == Protocol.Schema.ActivityTypes.Message)
            {
                var texts = app.Services.GetRequiredService<BotTexts>();
                await turn.SendActivityAsync(turn.Activity.CreateReply(texts.Get("apology", TriageDialog.ChooseLocale("en-us", turn.Activity.Locale))));
            }
        };

        app.MapGet("/healthz", () => Results.Ok(new { status = "healthy" }));
        app.MapBotFramework("/api/messages");
        return app;
    }
}
