using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Authentication;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;

namespace TriageBot.Protocol.Integration;

/// <summary>Registration of the protocol layer in an ASP.NET Core host.</summary>
public static class BotFrameworkServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="HttpClient"/> used for outbound connector calls (with <see cref="RetryHandler"/>).</summary>
    public const string ConnectorHttpClientName = "BotFramework.Connector";

    /// <summary>Name of the <see cref="HttpClient"/> used to fetch OpenID metadata and signing keys.</summary>
    public const string MetadataHttpClientName = "BotFramework.Metadata";

    /// <summary>
    /// Registers the adapter, authentication, connector and state. Binds <see cref="BotFrameworkAuthenticationOptions"/>
    /// from the configuration root (MicrosoftAppType, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId;
    /// validated at start), <see cref="BotFrameworkOptions"/> from <c>BotFramework</c> and
    /// <see cref="ConnectorClientOptions"/> from <c>BotFramework:Connector</c>. Registers
    /// <see cref="MemoryStorage"/> as <see cref="IStorage"/> unless another storage is registered (before or after).
    /// The host registers its <see cref="IBot"/> and sets <see cref="BotAdapter.OnTurnError"/> on the <see cref="CloudAdapter"/>.
    /// </summary>
    public static IServiceCollection AddBotFramework(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<BotFrameworkAuthenticationOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BotFrameworkAuthenticationOptions>, BotFrameworkAuthenticationOptionsValidator>());
        services.AddOptions<BotFrameworkOptions>().Bind(configuration.GetSection("BotFramework"));
        services.AddOptions<ConnectorClientOptions>().Bind(configuration.GetSection("BotFramework:Connector"));
        services.TryAddSingleton(TimeProvider.System);

        // Both clients live in singletons, so connections are recycled by the pool rather than by handler rotation.
        services.AddHttpClient(MetadataHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddHttpClient(ConnectorHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
            .AddHttpMessageHandler(sp => new RetryHandler(sp.GetRequiredService<IOptions<ConnectorClientOptions>>().Value, sp.GetRequiredService<TimeProvider>()))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.TryAddSingleton(sp => new JwtTokenValidation(
            sp.GetRequiredService<IOptions<BotFrameworkAuthenticationOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(MetadataHttpClientName),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TrustedServiceUrls(
            sp.GetRequiredService<IOptions<ConnectorClientOptions>>().Value.AdditionalTrustedHosts,
            allowLoopback: !sp.GetRequiredService<IOptions<BotFrameworkAuthenticationOptions>>().Value.AuthenticationEnabled));
        services.TryAddSingleton<IAccessTokenProvider>(sp =>
        {
            var auth = sp.GetRequiredService<IOptions<BotFrameworkAuthenticationOptions>>();
            return auth.Value.AuthenticationEnabled ? new MsalAccessTokenProvider(auth) : new NullAccessTokenProvider();
        });
        services.TryAddSingleton<IConnectorClient>(sp => new ConnectorClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectorHttpClientName),
            sp.GetRequiredService<IAccessTokenProvider>(),
            sp.GetRequiredService<TrustedServiceUrls>()));

        services.TryAddSingleton<CloudAdapter>();
        services.TryAddSingleton<IBotFrameworkHttpAdapter>(sp => sp.GetRequiredService<CloudAdapter>());
        services.TryAddSingleton<BotAdapter>(sp => sp.GetRequiredService<CloudAdapter>());

        services.TryAddSingleton<IStorage, MemoryStorage>();
        services.TryAddSingleton(sp => new ConversationState(
            sp.GetRequiredService<IStorage>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<BotFrameworkOptions>>().Value.ConversationStateExpiry)
        {
            RememberedActivityIds = Math.Max(0, sp.GetRequiredService<IOptions<BotFrameworkOptions>>().Value.RememberedActivityIds),
        });
        services.TryAddSingleton(sp => new UserState(sp.GetRequiredService<IStorage>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Maps <paramref name="pattern"/> (all methods, so the adapter answers 405 itself) to
    /// <see cref="IBotFrameworkHttpAdapter.ProcessAsync"/> with the registered <see cref="IBot"/>.
    /// </summary>
    public static IEndpointConventionBuilder MapBotFramework(this IEndpointRouteBuilder endpoints, string pattern = "/api/messages")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map(pattern, (HttpContext context, IBotFrameworkHttpAdapter adapter, IBot bot) =>
            adapter.ProcessAsync(context.Request, context.Response, bot, context.RequestAborted));
    }
}
