// The pages behind the login, in the order of the navigation bar. A page
// is a module exporting a component; add it here to add it to the portal.
// A page that names a role is linked only for sessions holding it.
import { InstancesPage } from './instances.mjs';
import { ImagesPage } from './images.mjs';
import { KeypairsPage } from './keypairs.mjs';
import { NetworksPage } from './networks.mjs';
import { TopologyPage } from './topology.mjs';
import { CapacityPage } from './capacity.mjs';

export const pages = [
	{ path: '/instances', title: 'Instances', component: InstancesPage },
	{ path: '/images', title: 'Images', component: ImagesPage },
	{ path: '/keypairs', title: 'Key pairs', component: KeypairsPage },
	{ path: '/networks', title: 'Networks', component: NetworksPage },
	{ path: '/topology', title: 'Topology', component: TopologyPage },
	{ path: '/capacity', title: 'Capacity', component: CapacityPage,
	    role: 'admin' },
];
