// Runs in a workspace that has flourish.yaml: the extension must activate by itself, from its
// activation events, before any test touches it.
import { flourishExtension, waitFor } from './helpers';

describe('activation in a workspace with flourish.yaml', () => {
  it('activates flourish.flourish without being asked', async () => {
    const extension = flourishExtension();
    await waitFor(() => extension.isActive, 'flourish.flourish to activate');
    // isActive turns true even when activate() threw; activate() itself rethrows that error.
    await extension.activate();
  });
});
