using TriageBot.Core.Knowledge.Curated;
using TriageBot.Core.Matching;

namespace TriageBot.Core.Tests.Matching;

public sealed class TokenizerTests
{
    private static readonly Tokenizer Tokenizer = new(new CuratedData
    {
        StopWords = new HashSet<string> { "the", "error", "同事" },
        ProductNames = ["skype for business", "商務用 Skype"],
    });

    [Fact]
    public void Tokens_ChineseProductName_IsCutOutWithoutGluingItsNeighbours()
    {
        var tokens = Tokenizer.Tokens("沒有商務用 Skype Online 的授權");

        Assert.DoesNotContain("有商", tokens);
        Assert.DoesNotContain("商務", tokens);
        Assert.Contains("沒有", tokens);
        Assert.Contains("授權", tokens);
    }

    [Fact]
    public void Tokens_ChineseStopWord_IsCutOut()
    {
        var tokens = Tokenizer.Tokens("同事登不進去");

        Assert.DoesNotContain("同事", tokens);
        Assert.DoesNotContain("事登", tokens);
        Assert.Contains("登不", tokens);
    }

    [Fact]
    public void AppendTokens_DroppedStopWords_AreReported()
    {
        var tokens = new List<string>();
        var dropped = new List<string>();

        Tokenizer.AppendTokens("the error remains", tokens, dropped);

        Assert.Equal(["remain"], tokens);
        Assert.Equal(["the", "error"], dropped);
    }
}
