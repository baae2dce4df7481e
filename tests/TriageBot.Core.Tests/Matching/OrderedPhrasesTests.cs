using TriageBot.Core.Matching;

namespace TriageBot.Core.Tests.Matching;

public sealed class OrderedPhrasesTests
{
    private static readonly OrderedPhrases Works = new(["skype 能正常登录", "skype works fine", "不是 skype"]);
    private static readonly HashSet<string> After = ["not", "nicht"];
    private static readonly string[] Before = ["不", "无法", "没"];

    private static bool In(string text) => Works.AnyIn(OrderedPhrases.Normalize(text), After, Before);

    [Theory]
    [InlineData("VPN 连不上，Skype 倒是能正常登录")]
    [InlineData("Skype works fine, only the printer is offline")]
    [InlineData("电脑密码忘了（不是 Skype 的）")]
    public void AnyIn_Statement_IsFound(string text) => Assert.True(In(text));

    // Chinese negates before the verb, Latin-script languages after the statement.
    [Theory]
    [InlineData("Skype 不能正常登录，提示服务器暂时不可用")]
    [InlineData("Skype 无法正常登录")]
    [InlineData("Skype 一直没能正常登录")]
    [InlineData("Skype works fine not")]
    public void AnyIn_NegatedStatement_IsNotFound(string text) => Assert.False(In(text));

    [Fact]
    public void AnyIn_WithoutNegations_FindsTheWordsAlone() =>
        Assert.True(Works.AnyIn(OrderedPhrases.Normalize("Skype 不能正常登录")));

    // Another system named between the product and the state takes the state for itself, unless a joiner stands with it.
    private static readonly OrderedPhrases Joined = new(["skype geht", "skype works", "skype 都正常", "skype 倒是正常"],
        notBetween: ["mail", "outlook", "邮箱"], joiners: ["und", "and", "都"]);

    [Theory]
    [InlineData("Skype geht", true)]
    [InlineData("Skype und Mail geht", true)]
    [InlineData("Skype and Outlook works", true)]
    [InlineData("Skype、邮箱都正常", true)]
    [InlineData("kommt ned ins Skype rein, Mail geht eh", false)]
    [InlineData("Skype fails, Outlook works", false)]
    [InlineData("Skype 登不上，邮箱倒是正常", false)]
    public void AnyIn_AnotherSystemBetween_TakesTheState(string text, bool found) =>
        Assert.Equal(found, Joined.AnyIn(OrderedPhrases.Normalize(text)));

    // A statement's words stand within one clause; its own adjacent parts may stand on either side of a comma.
    private static readonly OrderedPhrases Clauses = new(["不是 skype", "skype 都沒問題", "funktioniert alles auch skype", "skype geht", "skype works", "skype teams works fine"],
        notBetween: ["outlook"]);

    [Theory]
    [InlineData("这个报错不是 Skype 的", true)]
    [InlineData("sonst funktioniert alles, auch Skype.", true)]
    [InlineData("Skype geht. Outlook nicht", true)]
    [InlineData("Skype, Teams works fine", true)]
    [InlineData("anyone else getting this in skype?? teams works fine lol", false)]
    [InlineData("Problem in Skype. Teams works fine.", false)]
    [InlineData("Skype works but Outlook does not open", true)]
    [InlineData("ADFS 上装的是自签名的证书，不是第三方 CA 发的，Skype 登录一直提示服务器暂时不可用", false)]
    [InlineData("只有舊帳號登不進商務用 Skype Online，新同仁都沒問題。", false)]
    [InlineData("Skype-Anmeldung geht daher nicht", false)]
    [InlineData("Skype geht noch immer nicht", false)]
    [InlineData("Skype-Login geht für die neue Domain noch nicht", false)]
    [InlineData("他们不是注册的 Skype for Business Online 用户", false)]
    [InlineData("是不是因为我们的 Skype 伺服器没在注册表里", false)]
    public void AnyIn_ClauseByClause_KeepsAStatementInItsClause(string text, bool found) =>
        Assert.Equal(found, Clauses.AnyIn(OrderedPhrases.NormalizeClauses(text), After));

    // A last part "$": nothing may follow in the clause.
    private static readonly OrderedPhrases ClauseEnds = new(["不是 skype $", "not lync $", "lync works"]);

    [Theory]
    [InlineData("Windows 开机密码忘了，怎么重置？（不是 Skype）", true)]
    [InlineData("这次不是 Skype，是 Outlook 打不开", true)]
    [InlineData("是不是 Skype 伺服器本身沒回應？", false)]
    [InlineData("后台看他已经不是 Skype 在线用户了", false)]
    [InlineData("I forgot my VPN PIN. Not Lync, just the VPN.", true)]
    [InlineData("users get 'Sign-in address not found' in Lync", false)]
    // A host name says nothing of what works.
    [InlineData("Angezeigt wird lync.adventure-works.de", false)]
    public void AnyIn_ClauseEndAndAddresses(string text, bool found) =>
        Assert.Equal(found, ClauseEnds.AnyIn(OrderedPhrases.NormalizeClauses(text)));

    [Fact]
    public void AnyIn_ClauseEndInATextWithoutMarks_OnlyTellsWhetherToLookCloser() =>
        Assert.True(ClauseEnds.AnyIn(OrderedPhrases.Normalize("是不是 Skype 伺服器本身沒回應")));
}
