using TriageBot.Protocol.Connector;

namespace TriageBot.Protocol.Tests.Connector;

public class TrustedServiceUrlsTests
{
    [Theory]
    [InlineData("https://smba.trafficmanager.net/emea/")]
    [InlineData("https://webchat.botframework.com/")]
    [InlineData("https://smba.infra.gcc.teams.microsoft.com/")]
    public void IsTrusted_AllowListedHttpsHost_ReturnsTrue(string serviceUrl)
    {
        Assert.True(new TrustedServiceUrls(null, allowLoopback: false).IsTrusted(serviceUrl));
    }

    [Fact]
    public void IsTrusted_UnknownHostSeenOnAuthenticatedActivity_ReturnsTrue()
    {
        var trusted = new TrustedServiceUrls(null, allowLoopback: false);

        trusted.Trust("https://bots.contoso.example/api/");

        Assert.True(trusted.IsTrusted("https://bots.contoso.example/other/"));
        Assert.False(trusted.IsTrusted("https://bots.contoso.example:8443/"));
    }

    [Theory]
    [InlineData("http://localhost:56150/_connector")]
    [InlineData("http://127.0.0.1:3978/")]
    [InlineData("http://[::1]:3978/")]
    public void IsTrusted_Loopback_OnlyWhenAllowed(string serviceUrl)
    {
        Assert.True(new TrustedServiceUrls(null, allowLoopback: true).IsTrusted(serviceUrl));
        Assert.False(new TrustedServiceUrls(null, allowLoopback: false).IsTrusted(serviceUrl));
    }

    [Fact]
    public void EnsureTrusted_AdditionalHostConfigured_Accepts()
    {
        var trusted = new TrustedServiceUrls(["connector.contoso.example"], allowLoopback: false);

        trusted.EnsureTrusted("https://eu.connector.contoso.example/");

        Assert.Throws<UntrustedServiceUrlException>(() => trusted.EnsureTrusted("https://contoso.example/"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a url")]
    [InlineData("ftp://smba.trafficmanager.net/")]
    public void IsTrusted_Malformed_ReturnsFalse(string? serviceUrl)
    {
        Assert.False(new TrustedServiceUrls(null, allowLoopback: true).IsTrusted(serviceUrl));
    }
}
