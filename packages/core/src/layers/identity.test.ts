import { testLayer } from '../testing/test-layer';
import { Identity } from './identity';

testLayer({
  name: 'Identity',
  make: () => new Identity(),
  inputShape: [2, 3, 3, 2],
  expectedOutputShape: [2, 3, 3, 2],
  expectedParams: 0,
});
