// The pages behind the login, in the order of the navigation bar. A page
// is a module exporting a component; add it here to add it to the portal.
import { InstancesPage } from './instances.mjs';
import { CapacityPage } from './capacity.mjs';

export const pages = [
	{ path: '/instances', title: 'Instances', component: InstancesPage },
	{ path: '/capacity', title: 'Capacity', component: CapacityPage,
	    role: 'admin' },
];
