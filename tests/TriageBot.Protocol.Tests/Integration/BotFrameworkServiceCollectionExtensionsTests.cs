using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Authentication;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Integration;

namespace TriageBot.Protocol.Tests.Integration;

public class BotFrameworkServiceCollectionExtensionsTests
{
    [Fact]
    public void AddBotFramework_NoAppId_ResolvesAdapterWithAnonymousConnector()
    {
        using var provider = Build(new Dictionary<string, string?> { ["BotFramework:MaxRequestBodyBytes"] = "1000" });

        var adapter = provider.GetRequiredService<IBotFrameworkHttpAdapter>();

        Assert.Same(provider.GetRequiredService<CloudAdapter>(), adapter);
        Assert.IsType<NullAccessTokenProvider>(provider.GetRequiredService<IAccessTokenProvider>());
        Assert.IsType<MemoryStorage>(provider.GetRequiredService<IStorage>());
        Assert.Equal(1000, provider.GetRequiredService<IOptions<BotFrameworkOptions>>().Value.MaxRequestBodyBytes);
        Assert.True(provider.GetRequiredService<TrustedServiceUrls>().IsTrusted("http://localhost:56150/_connector"));
    }

    [Fact]
    public void AddBotFramework_SingleTenantWithAppId_UsesMsalAndRefusesLoopback()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppId"] = "app",
            ["MicrosoftAppPassword"] = "secret",
            ["MicrosoftAppTenantId"] = "tenant",
        });

        Assert.IsType<MsalAccessTokenProvider>(provider.GetRequiredService<IAccessTokenProvider>());
        Assert.False(provider.GetRequiredService<TrustedServiceUrls>().IsTrusted("http://localhost:56150/_connector"));
    }

    [Theory]
    [InlineData("SingleTenant", "secret", null)]
    [InlineData("MultiTenant", null, null)]
    [InlineData("Sideways", "secret", "tenant")]
    public void AddBotFramework_InvalidCredentials_FailsValidation(string appType, string? password, string? tenant)
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["MicrosoftAppType"] = appType,
            ["MicrosoftAppId"] = "app",
            ["MicrosoftAppPassword"] = password,
            ["MicrosoftAppTenantId"] = tenant,
        });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BotFrameworkAuthenticationOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddBotFramework(configuration).BuildServiceProvider();
    }
}
