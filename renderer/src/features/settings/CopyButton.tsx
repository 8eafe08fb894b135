import { Button, type ButtonProps, Tooltip } from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular, ErrorCircleRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';

/**
 * Copies `text` and says so: "Copied" with a check for two seconds, or "Could not copy" when the page may not
 * use the clipboard (then the text is there to select by hand).
 */
export function CopyButton({
  text,
  label = 'Copy',
  size,
  appearance,
  testId,
}: {
  text: string | undefined;
  label?: string;
  size?: ButtonProps['size'];
  appearance?: ButtonProps['appearance'];
  testId?: string;
}) {
  const [outcome, setOutcome] = useState<'copied' | 'failed'>();
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(undefined), 2000);
    return () => clearTimeout(timer);
  }, [outcome]);
  const copy = async () => {
    if (text === undefined) return;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  };
  return (
    <Tooltip content={outcome === 'failed' ? 'This page may not use the clipboard: select the text and copy it by hand.' : `${label} to the clipboard`} relationship="description">
      <Button
        size={size}
        appearance={appearance}
        data-testid={testId}
        icon={outcome === 'copied' ? <CheckmarkRegular /> : outcome === 'failed' ? <ErrorCircleRegular /> : <CopyRegular />}
        onClick={() => void copy()}
        disabled={text === undefined}
        aria-live="polite"
        data-outcome={outcome}
      >
        {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Could not copy' : label}
      </Button>
    </Tooltip>
  );
}
