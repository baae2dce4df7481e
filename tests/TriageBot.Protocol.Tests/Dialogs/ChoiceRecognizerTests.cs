using TriageBot.Protocol.Dialogs;

namespace TriageBot.Protocol.Tests.Dialogs;

public class ChoiceRecognizerTests
{
    private static readonly Choice[] YesNoChinese = [new("是"), new("不是", "否")];

    [Theory]
    [InlineData("是", "是")]
    [InlineData("不是", "不是")]
    [InlineData("不是的", "不是")]
    [InlineData("是的", "是")]
    [InlineData("否。", "不是")]
    public void Recognize_Chinese_LongerPhraseWins(string utterance, string expected)
    {
        Assert.Equal(expected, ChoiceRecognizer.Recognize(utterance, YesNoChinese)?.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("pineapple")]
    public void Recognize_NothingMatches_ReturnsNull(string? utterance)
    {
        Assert.Null(ChoiceRecognizer.Recognize(utterance, [new("apple"), new("pear")]));
    }

    [Fact]
    public void Recognize_WordInsideAnotherWord_DoesNotMatch()
    {
        Assert.Null(ChoiceRecognizer.Recognize("pineapple juice", [new("apple"), new("pear")]));
    }
}
